// Corrections of a finished game (issue "Staff control", part 2): correctResult and resendSouvenir,
// through the real mutations, the souvenir worker and the SMS outbox.
import { and, count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, gameEvents } from '../../src/db/schema.js';
import { type Role } from '../../src/domain/roles.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { driveTo, seedShow, seedTeams, signUpPlayer } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';
import { connectWs, subscribe } from '../helpers/ws.js';

const server = await useTestServer({ env: { RECALL_DISABLE: 'true', PUBLIC_BASE_URL: 'https://mlb.example.test' } });
const db = server.app.context.database.db;
const f = fixtures(db);
const show = await seedShow(server, { date: '2031-03-01' });
await seedTeams(server, ['Correction Reds']);

const CORRECT = `mutation($id: ID!, $r: GameResultInput!, $n: Boolean) {
  correctResult(gameId: $id, result: $r, notify: $n) { id state score distance homeruns }
}`;
const RESEND = `mutation($id: ID!) { resendSouvenir(gameId: $id) { id } }`;
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors?.[0]?.extensions?.code;

let serial = 0;
async function completed(result = { score: 1200, distance: 410, homeruns: 3 }, mobile = true) {
  const n = ++serial;
  const { gameId } = await signUpPlayer(server, {
    firstName: `Corr${String.fromCharCode(65 + n)}`,
    lastName: `Tester${n}`,
    showId: String(show.id),
    ...(mobile ? { mobileNumber: `+1415555${String(2700 + n).padStart(4, '0')}` } : {}),
  });
  await driveTo(server, gameId, 'PLAYING');
  const r = await server.gql(
    `mutation($id: ID!, $r: GameResultInput!) { completeGame(id: $id, result: $r) { id } }`,
    { id: String(gameId), r: result },
    await server.token('VR_GAME'),
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return gameId;
}

const souvenirTexts = (gameId: number) => fixtures(db).souvenirTexts(gameId);
/** The souvenir stored, and every text of it sent (none left queued). */
async function settled(gameId: number, texts: number) {
  return waitFor(
    async () => {
      const g = await f.gameRow(gameId);
      const m = await souvenirTexts(gameId);
      return g.souvenirUrl && m.length === texts && m.every((x) => x.status !== 'queued') ? g : undefined;
    },
    30_000,
    `souvenir with ${texts} text(s) sent`,
  );
}

describe('who may correct', () => {
  const CALLERS: Array<Role | 'ANONYMOUS'> = ['ANONYMOUS', 'TABLET', 'VR_GAME', 'STAFF', 'ADMIN'];
  const cases = [
    ['correctResult', CORRECT, { id: '987654', r: { score: 1, distance: 1, homeruns: 0 } }],
    ['resendSouvenir', RESEND, { id: '987654' }],
  ] as const;
  it.each(cases.flatMap(([name, q, v]) => CALLERS.map((c) => [name, c, q, v] as const)))(
    '%s as %s',
    async (_name, caller, query, vars) => {
      const r = await server.gql(query, vars, caller === 'ANONYMOUS' ? null : await server.token(caller));
      const expected = { ANONYMOUS: 'UNAUTHENTICATED', TABLET: 'FORBIDDEN', VR_GAME: 'FORBIDDEN' }[caller as string];
      expect(codeOf(r)).toBe(expected ?? 'NOT_FOUND');
    },
  );
});

describe('correctResult', () => {
  it('corrects a COMPLETED game: history, audit, scores, leaderboard, subscription and a new souvenir, no text', async () => {
    const gameId = await completed({ score: 1200, distance: 410, homeruns: 3 });
    const first = await settled(gameId, 1);
    const leader = await completed({ score: 2000, distance: 300, homeruns: 4 });
    await settled(leader, 1);
    const board = async () =>
      (await server.gql(`query($s: ID) { leaderboard(showId: $s) { score homeruns } }`, { s: String(show.id) })).data
        .leaderboard;
    expect((await board())[0]).toEqual({ score: 2000, homeruns: 4 });
    const teamTotal = async () =>
      (await server.gql(`{ teams { name scores { score games } } }`)).data.teams.find(
        (t: { name: string }) => t.name === 'Correction Reds',
      ).scores[0];
    expect(await teamTotal()).toEqual({ score: 3200, games: 2 });

    const ws = connectWs(server.url, await server.token('STAFF'));
    try {
      const sub = subscribe(ws, `subscription($id: ID!) { gameChanged(id: $id) { score } }`, { id: String(gameId) });
      expect((await sub.nth(0)).gameChanged.score).toBe(1200);

      const r = await server.gql(
        CORRECT,
        { id: String(gameId), r: { score: 2500, distance: 415, homeruns: 5 } },
        await server.token('STAFF'),
      );
      expect(r.data.correctResult).toEqual({
        id: String(gameId),
        state: 'COMPLETED',
        score: 2500,
        distance: 415,
        homeruns: 5,
      });
      expect((await sub.until((m) => m.gameChanged.score === 2500)).gameChanged.score).toBe(2500);
    } finally {
      await ws.dispose();
    }
    expect((await board())[0]).toEqual({ score: 2500, homeruns: 5 });
    expect(await teamTotal()).toEqual({ score: 4500, games: 2 });

    const history = await server.gql(
      `query($id: ID!) { game(id: $id) { history { from to actor correction { before { score distance homeruns } after { score } } } } }`,
      { id: String(gameId) },
    );
    expect(history.data.game.history.at(-1)).toEqual({
      from: 'COMPLETED',
      to: 'COMPLETED',
      actor: 'staff',
      correction: { before: { score: 1200, distance: 410, homeruns: 3 }, after: { score: 2500 } },
    });
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `game:${gameId}`));
    expect(audit).toMatchObject({ actor: 'staff', action: 'game.correct' });
    expect(audit!.detail).toMatchObject({ before: { score: 1200 }, after: { score: 2500 }, notify: false });

    // Rendered again (a new file), texted nobody.
    const fresh = await waitFor(
      async () => {
        const g = await f.gameRow(gameId);
        return g.souvenirKey !== first.souvenirKey && g.souvenirUrl ? g : undefined;
      },
      30_000,
      'a new souvenir',
    );
    expect(fresh.souvenirUrl).not.toBe(first.souvenirUrl);
    expect(await souvenirTexts(gameId)).toHaveLength(1);
  });

  it('texts the player again only with notify: true', async () => {
    const gameId = await completed();
    await settled(gameId, 1);
    const r = await server.gql(
      CORRECT,
      { id: String(gameId), r: { score: 999, distance: 100, homeruns: 1 }, n: true },
      await server.token('ADMIN'),
    );
    expect(r.errors).toBeUndefined();
    const texts = await waitFor(async () => {
      const m = await souvenirTexts(gameId);
      return m.length === 2 ? m : undefined;
    });
    const [event] = await db
      .select({ id: gameEvents.id })
      .from(gameEvents)
      .where(and(eq(gameEvents.gameId, gameId), eq(gameEvents.fromState, 'COMPLETED')));
    expect(texts[1]!.dedupeKey).toBe(`souvenir:${gameId}:correction:${event!.id}`);
  });

  it('refuses a game that is not COMPLETED (ILLEGAL_TRANSITION) and a bad result (BAD_USER_INPUT), writing nothing', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Notdone', showId: String(show.id) });
    await driveTo(server, gameId, 'PLAYING');
    const eventsBefore = (await db.select({ n: count() }).from(gameEvents))[0]!.n;
    const auditBefore = (await db.select({ n: count() }).from(auditLog))[0]!.n;
    const playing = await server.gql(
      CORRECT,
      { id: String(gameId), r: { score: 1, distance: 1, homeruns: 1 } },
      await server.token('STAFF'),
    );
    expect(codeOf(playing)).toBe('ILLEGAL_TRANSITION');
    expect(playing.errors![0]!.extensions).toMatchObject({ from: 'PLAYING', to: 'COMPLETED' });
    const done = await completed();
    const bad = await server.gql(
      CORRECT,
      { id: String(done), r: { score: -5, distance: 1, homeruns: 1 } },
      await server.token('STAFF'),
    );
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect((await db.select({ n: count() }).from(auditLog))[0]!.n).toBe(auditBefore);
    // Only the events of the game completed in between were written.
    const eventsAfter = (await db.select({ n: count() }).from(gameEvents))[0]!.n;
    expect(eventsAfter - eventsBefore).toBe(
      (await db.select().from(gameEvents).where(eq(gameEvents.gameId, done))).length,
    );
  });
});

describe('resendSouvenir', () => {
  it('texts a delivered souvenir again as a new message, never while one is still queued', async () => {
    const gameId = await completed();
    await settled(gameId, 1);
    const staff = await server.token('STAFF');
    const r = await server.gql(RESEND, { id: String(gameId) }, staff);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    // At once again: the first resend's render job or text is on its way.
    expect(codeOf(await server.gql(RESEND, { id: String(gameId) }, staff))).toBe('CONFLICT');
    const texts = await waitFor(async () => {
      const m = await souvenirTexts(gameId);
      return m.length === 2 && m[1]!.status !== 'queued' ? m : undefined;
    });
    expect(texts[1]!.dedupeKey).toMatch(new RegExp(`^souvenir:${gameId}:resend:`));
    expect(texts[1]!.body).toMatch(/https:\/\/mlb\.example\.test\/s\//);
  });

  it('renders and texts a souvenir whose job failed before its text existed', async () => {
    const player = await f.player({ firstName: 'Lostcard', mobileNumber: '+14155559911' });
    const game = await f.completedGame(player.id, show.id, { score: 777 });
    expect(game.souvenirUrl).toBeNull();
    const r = await server.gql(RESEND, { id: String(game.id) }, await server.token('ADMIN'));
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    const stored = await settled(game.id, 1);
    expect(stored.souvenirUrl).toMatch(/^https:\/\/mlb\.example\.test\/media\/souvenirs\//);
  });

  it('refuses a game without a souvenir (not COMPLETED) or a player without a number with CONFLICT', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Early', showId: String(show.id) });
    expect(codeOf(await server.gql(RESEND, { id: String(gameId) }, await server.token('STAFF')))).toBe('CONFLICT');
    const silent = await completed(undefined, false);
    expect(codeOf(await server.gql(RESEND, { id: String(silent) }, await server.token('STAFF')))).toBe('CONFLICT');
  });
});
