// The event report (issue "Staff control", part 4) against a scripted day on a controlled clock:
// seven players go through the real mutations, the real workers send their texts (log sender),
// delivery reports arrive, souvenir links are opened; every figure is then checked against what
// the script did. The clock runs some hours behind real time, so texts never count as too old.
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { messages, type Message } from '../../src/db/schema.js';
import { clockIn } from '../../src/domain/report.js';
import { type Role } from '../../src/domain/roles.js';
import { recordDelivery } from '../../src/services/message.service.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { testClock } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const HOUR = 3_600_000;
const MIN = 60_000;
const T0 = Math.floor((Date.now() - 10 * HOUR) / HOUR) * HOUR;
const clock = testClock(new Date(T0));
const server = await useTestServer({
  now: clock.now,
  env: { RECALL_DISABLE: 'true', PUBLIC_BASE_URL: 'http://127.0.0.1' },
});
const db = server.app.context.database.db;
const at = (minutes: number) => clock.set(new Date(T0 + minutes * MIN));

const REPORT = `query($id: ID!) { showReport(showId: $id) {
  show { id } playersSignedUp gamesCompleted gamesCancelled noShows cancelledFrom { state count }
  gamesPerHour { hour completed } waitOverDay { hour games medianWaitSeconds }
  waitSeconds { count median p90 max } playSeconds { count median } recallToConfirmSeconds { count median }
  sms { total sent delivered failed optedOut skipped queued } souvenirLinksOpened souvenirLinkVisits
} }`;
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors?.[0]?.extensions?.code;

async function gql(query: string, vars: Record<string, unknown>, role: Role = 'STAFF') {
  const r = await server.gql(query, vars, await server.token(role));
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data;
}
/** Every text sent (none still queued) and, after a completion, the souvenir stored and its text sent. */
async function settle(souvenirOf?: { gameId: number; texted: boolean }) {
  if (souvenirOf) {
    const { gameId, texted } = souvenirOf;
    await waitFor(async () => (await fixtures(db).gameRow(gameId)).souvenirUrl, 30_000, `souvenir of game ${gameId}`);
    if (texted)
      await waitFor(async () => (await textsOf({ gameId }, 'souvenir')).length === 1, 30_000, 'souvenir text');
  }
  await waitFor(async () => (await db.select().from(messages).where(eq(messages.status, 'queued'))).length === 0);
}
const textsOf = (gameOrPlayer: { gameId?: number; playerId?: number }, kind: Message['kind']): Promise<Message[]> =>
  db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.kind, kind),
        gameOrPlayer.gameId ? eq(messages.gameId, gameOrPlayer.gameId) : eq(messages.playerId, gameOrPlayer.playerId!),
      ),
    );

let showId = '';
const players: Record<string, { playerId: number; gameId: number }> = {};

async function signUp(name: string, minute: number, mobile: string | null) {
  at(minute);
  const r = await gql(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id activeGame { id } } }`,
    {
      i: {
        firstName: name,
        lastName: 'Script',
        handedness: 'RIGHT',
        showId,
        ...(mobile ? { mobileNumber: mobile } : {}),
      },
    },
    'TABLET',
  );
  players[name] = { playerId: Number(r.signUp.id), gameId: Number(r.signUp.activeGame.id) };
  await settle();
}
async function move(name: string, action: string, minute: number, extra = '') {
  at(minute);
  await gql(`mutation($id: ID!) { ${action}(id: $id${extra}) { id } }`, { id: String(players[name]!.gameId) }, 'ADMIN');
  await settle(action === 'completeGame' ? { gameId: players[name]!.gameId, texted: name !== 'Fay' } : undefined);
}
const complete = (name: string, minute: number, score: number) =>
  move(name, 'completeGame', minute, `, result: { score: ${score}, distance: 300, homeruns: 2 }`);

describe('the scripted day', () => {
  it('is played through the API', async () => {
    at(-30);
    const created = await gql(
      `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
      {
        i: {
          name: 'Report Day',
          date: new Date(T0).toISOString().slice(0, 10),
          welcomeMessage: 'Hi {firstName}',
          recallMessage: 'Come back {firstName}',
          souvenirMessage: 'Souvenir: {url}',
        },
      },
      'ADMIN',
    );
    showId = created.createShow.id;
    // Minute by minute from T0. Fay has no mobile number; Gus never queues (confirmed straight away).
    const names = ['Ann', 'Bob', 'Cat', 'Dan', 'Eve', 'Fay'];
    for (const [i, name] of names.entries()) {
      await signUp(name, i, name === 'Fay' ? null : `+1415555${String(4100 + i).padStart(4, '0')}`);
      await move(name, 'queueGame', i + 0.5);
    }
    await move('Ann', 'recallGame', 10);
    await move('Ann', 'confirmGame', 12);
    await move('Ann', 'playGame', 13);
    await move('Bob', 'recallGame', 14);
    await move('Bob', 'confirmGame', 15);
    await complete('Ann', 17, 1500);
    await move('Bob', 'playGame', 18);
    await move('Cat', 'recallGame', 20);
    await complete('Bob', 22, 900);
    await move('Eve', 'cancelGame', 30); // left the queue
    await move('Cat', 'cancelGame', 45); // recalled, never came: a no-show
    await move('Dan', 'confirmGame', 60);
    await move('Dan', 'playGame', 61);
    await move('Fay', 'confirmGame', 62);
    await complete('Dan', 66, 1200);
    await move('Fay', 'playGame', 67);
    await complete('Fay', 73, 700);
    await signUp('Gus', 90, '+14155554200');
    await move('Gus', 'confirmGame', 91);
    await move('Gus', 'playGame', 92);
    await complete('Gus', 95, 400);
    // A correction is no second completion.
    at(100);
    await gql(
      `mutation($id: ID!) { correctResult(gameId: $id, result: { score: 450, distance: 310, homeruns: 2 }) { id } }`,
      { id: String(players.Gus!.gameId) },
    );

    // Delivery reports: Ann's welcome and souvenir delivered; Bob's souvenir undeliverable; Cat replied STOP.
    const report = async (m: Message | undefined, status: string, code?: string) =>
      expect(await recordDelivery(db, m!.providerId!, status, code, new Date())).toBe(1);
    await report((await textsOf({ playerId: players.Ann!.playerId }, 'welcome'))[0], 'delivered');
    await report((await textsOf({ gameId: players.Ann!.gameId }, 'souvenir'))[0], 'delivered');
    await report((await textsOf({ gameId: players.Bob!.gameId }, 'souvenir'))[0], 'undelivered', '30005');
    const catWelcome = (await textsOf({ playerId: players.Cat!.playerId }, 'welcome'))[0]!;
    await db
      .update(messages)
      .set({ status: 'failed', error: 'HTTP 400, code 21610: Attempt to send to unsubscribed recipient' })
      .where(eq(messages.id, catWelcome.id));

    // Ann opens her souvenir link twice, Dan once.
    for (const name of ['Ann', 'Ann', 'Dan']) {
      const [text] = await textsOf({ gameId: players[name]!.gameId }, 'souvenir');
      const code = /\/s\/([A-Za-z0-9_-]{8,})/.exec(text!.body)![1];
      expect((await fetch(`${server.url}/s/${code}`, { redirect: 'manual' })).status).toBe(302);
    }
  });

  it('reports its figures', async () => {
    const r = (await gql(REPORT, { id: showId })).showReport;
    const hour = (h: number) => clockIn(new Date(T0 + h * HOUR), server.config.timeZone);
    console.log(`scripted day report: ${JSON.stringify(r)}`);
    expect(r).toEqual({
      show: { id: showId },
      playersSignedUp: 7,
      gamesCompleted: 5,
      gamesCancelled: 2,
      noShows: 1,
      cancelledFrom: expect.arrayContaining([
        { state: 'QUEUED', count: 1 },
        { state: 'RECALLED', count: 1 },
      ]),
      // Completions at minutes 17, 22 | 66, 73, 95.
      gamesPerHour: [
        { hour: hour(0), completed: 2 },
        { hour: hour(1), completed: 3 },
      ],
      // Queued → playing: Ann 12.5 min, Bob 16.5 (started in hour 0); Dan 57.5, Fay 61.5 (hour 1); Gus never queued.
      waitOverDay: [
        { hour: hour(0), games: 2, medianWaitSeconds: 870 },
        { hour: hour(1), games: 2, medianWaitSeconds: 3570 },
      ],
      waitSeconds: { count: 4, median: 2220, p90: 3690, max: 3690 },
      // Play: 4, 4, 5, 6 and 3 minutes.
      playSeconds: { count: 5, median: 240 },
      // Ann 2 min, Bob 1 min.
      recallToConfirmSeconds: { count: 2, median: 90 },
      // Welcome ×6 (Fay has no number), recall ×3, souvenir ×4 (not Fay; the correction texted nobody).
      sms: { total: 13, sent: 13, delivered: 2, failed: 2, optedOut: 1, skipped: 0, queued: 0 },
      souvenirLinksOpened: 2,
      souvenirLinkVisits: 3,
    });
    expect(r.cancelledFrom).toHaveLength(2);
  });

  it('serves the same figures as CSV to staff only', async () => {
    const url = `${server.url}/staff/report.csv?show=${showId}`;
    expect((await fetch(url)).status).toBe(401);
    const tablet = await fetch(url, { headers: { authorization: `Bearer ${await server.token('TABLET')}` } });
    expect(tablet.status).toBe(403);
    const res = await fetch(url, { headers: { authorization: `Bearer ${await server.token('STAFF')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = Object.fromEntries(
      (await res.text())
        .trim()
        .split('\r\n')
        // No figure's name or value holds a comma or a quote.
        .map((line) => line.split(',')),
    );
    expect(rows).toMatchObject({
      figure: 'value',
      'players signed up': '7',
      'games completed': '5',
      'no-shows (cancelled while recalled)': '1',
      'wait queued to playing: median (s)': '2220',
      'wait queued to playing: p90 (s)': '3690',
      'sms opted out': '1',
      'souvenir links opened': '2',
    });
    const missing = await fetch(`${server.url}/staff/report.csv?show=999999`, {
      headers: { authorization: `Bearer ${await server.token('STAFF')}` },
    });
    expect(missing.status).toBe(404);
  });

  it.each<Role | 'ANONYMOUS'>(['ANONYMOUS', 'TABLET', 'VR_GAME', 'STAFF', 'ADMIN'])(
    'showReport as %s',
    async (caller) => {
      const r = await server.gql(REPORT, { id: '999999' }, caller === 'ANONYMOUS' ? null : await server.token(caller));
      const expected = { ANONYMOUS: 'UNAUTHENTICATED', TABLET: 'FORBIDDEN', VR_GAME: 'FORBIDDEN' }[caller as string];
      expect(codeOf(r)).toBe(expected ?? 'NOT_FOUND');
    },
  );
});
