// Changes are announced by the database's triggers, whatever wrote them: each change is one
// notification on the live channel, sent at commit and never for a rolled-back change.
import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { callContext } from '../../src/context.js';
import { games, players } from '../../src/db/schema.js';
import { CHANNEL } from '../../src/live/announce.js';
import { cancelGame, completeGame, moveGame } from '../../src/services/game.service.js';
import { signUp, updatePlayer } from '../../src/services/player.service.js';
import { updateShow } from '../../src/services/show.service.js';
import { seedShow, seedTeams } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

// Workers off: no periodic recall or souvenir job announces anything under the test.
const server = await useTestServer({ worker: false, env: { RECALL_WINDOW_SIZE: '2' } });
const show = await seedShow(server, { name: 'Announce Show' });
await seedTeams(server, ['Red', 'Blue']);
const call = callContext(server.app.context, 'mlbtablet');
const db = server.app.context.database.db;

// Notifications of all channels reach a listener in commit order, so once a marker sent after an
// action arrives, everything that action announced has arrived too.
const MARKER = 'announce_test_marker';
const listener = postgres(server.db.url, { max: 1, onnotice: () => {} });
const heard: unknown[] = [];
let markers = 0;
const waiters: Array<() => void> = [];
await listener.listen(CHANNEL, (payload) => heard.push(JSON.parse(payload)));
await listener.listen(MARKER, () => {
  markers++;
  waiters.splice(0).forEach((w) => w());
});
afterAll(() => listener.end());

/** Resolves once everything committed so far has been heard. */
async function settled(): Promise<void> {
  const wanted = markers + 1;
  const arrived = new Promise<void>((resolve) => {
    const check = () => (markers >= wanted ? resolve() : waiters.push(check));
    check();
  });
  await db.execute(sql`select pg_notify(${MARKER}, '')`);
  await arrived;
}

/** What `fn` announced, once its transaction committed. */
async function announced(fn: () => Promise<unknown>): Promise<unknown[]> {
  await settled(); // earlier actions' notifications may still be on their way
  heard.length = 0;
  await fn().catch(() => {});
  await settled();
  return heard.splice(0);
}

async function signUpGame(firstName: string, mobileNumber?: string) {
  const player = await signUp(call, { firstName, handedness: 'RIGHT', ...(mobileNumber ? { mobileNumber } : {}) });
  const [game] = await db.select().from(games).where(eq(games.playerId, player.id));
  return { playerId: player.id, gameId: game!.id };
}

describe('change announcements', () => {
  it('a sign-up announces its new game once', async () => {
    let gameId = 0;
    const heard = await announced(async () => ({ gameId } = await signUpGame('Ada')));
    expect(heard).toEqual([{ showId: show.id, gameId }]);
  });

  it('each transition announces exactly once, a confirm that assigns a team included', async () => {
    const { playerId, gameId } = await signUpGame('Bea');
    const one = [{ showId: show.id, gameId }];
    expect(await announced(() => moveGame(call, gameId, 'queue'))).toEqual(one);
    expect(await announced(() => moveGame(call, gameId, 'confirm'))).toEqual(one);
    const [player] = await db.select().from(players).where(eq(players.id, playerId));
    expect(player!.teamId).not.toBeNull(); // the player row changed too, in the same transaction
    expect(await announced(() => moveGame(call, gameId, 'play'))).toEqual(one);
  });

  it('a completion announces its game and each game it recalls', async () => {
    const waiting = [await signUpGame('Cy', '+14155550101'), await signUpGame('Di', '+14155550102')];
    for (const w of waiting) await moveGame(call, w.gameId, 'queue');
    const { gameId } = await signUpGame('Eve');
    await moveGame(call, gameId, 'confirm');
    await moveGame(call, gameId, 'play');
    const heard = await announced(() => completeGame(call, gameId, { score: 1, distance: 2, homeruns: 0 }));
    expect(heard).toEqual([
      { showId: show.id, gameId },
      ...waiting.map((w) => ({ showId: show.id, gameId: w.gameId })),
    ]);
    for (const w of waiting) await cancelGame(call, w.gameId);
  });

  it("a player edit announces the player's latest game; a show edit announces the show", async () => {
    const { playerId, gameId } = await signUpGame('Flo');
    expect(await announced(() => updatePlayer(call, playerId, { lastName: 'Stone' }))).toEqual([
      { showId: show.id, gameId },
    ]);
    expect(
      await announced(() =>
        updateShow(call, show.id, {
          name: 'Announce Show 2',
          date: show.date,
          welcomeMessage: show.welcomeMessage,
          recallMessage: show.recallMessage,
          souvenirMessage: show.souvenirMessage,
        }),
      ),
    ).toEqual([{ showId: show.id }]);
  });

  it('a stored souvenir announces its game; other game updates and rolled-back changes announce nothing', async () => {
    const { gameId } = await signUpGame('Gil');
    const setSouvenir = () =>
      db
        .update(games)
        .set({ souvenirKey: 'souvenirs/x.png', souvenirUrl: 'http://127.0.0.1/x.png' })
        .where(eq(games.id, gameId));
    expect(await announced(setSouvenir)).toEqual([{ showId: show.id, gameId }]);
    expect(await announced(setSouvenir)).toEqual([]); // the same souvenir again: nothing changed
    expect(await announced(() => db.update(games).set({ score: 5 }).where(eq(games.id, gameId)))).toEqual([]);
    const rolledBack = () =>
      db.transaction(async (tx) => {
        await tx.update(games).set({ souvenirUrl: 'http://127.0.0.1/y.png' }).where(eq(games.id, gameId));
        tx.rollback();
      });
    expect(await announced(rolledBack)).toEqual([]);
    expect(await announced(() => moveGame(call, gameId, 'play'))).toEqual([]); // ILLEGAL_TRANSITION: rolled back
  });
});
