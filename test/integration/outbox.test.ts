// Jobs are written in the mutation's own transaction: rolled back → no job, committed → the job is there.
import { count, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Executor } from '../../src/db/client.js';
import { games, messages, players } from '../../src/db/schema.js';
import { completeGame, moveGame } from '../../src/services/game.service.js';
import { signUp } from '../../src/services/player.service.js';
import { callContext, withExecutor, type CallContext } from '../../src/context.js';
import { act, driveTo, gameRow, jobs, seedShow, signUpPlayer } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

// Workers off: committed jobs stay in pgboss.job where the test can see them.
const server = await useTestServer({ worker: false });
const deps = server.app.context;
const db = deps.database.db;
await seedShow(server);

const jobCount = async (on: Executor, name: string) => {
  const [row] = (await on.execute(sql`select count(*)::int as n from pgboss.job where name = ${name}`)) as unknown as [
    { n: number },
  ];
  return row.n;
};

/** Runs `fn` with a writer on a transaction that is then rolled back by a forced failure. */
async function thenFail(fn: (w: CallContext, tx: Executor) => Promise<void>) {
  await expect(
    db.transaction(async (tx) => {
      await fn(withExecutor(callContext(deps, 'outbox-test'), tx), tx);
      throw new Error('forced failure after the job insert');
    }),
  ).rejects.toThrow('forced failure');
}

// Distinct names: identical sign-ups seconds apart are one double tap (the first player answers).
describe('outbox', () => {
  it('a rolled-back sign-up leaves no player, no message and no sms job', async () => {
    const before = { sms: await jobCount(db, 'sms'), messages: (await db.select({ n: count() }).from(messages))[0]!.n };
    await thenFail(async (w, tx) => {
      await signUp(w, { firstName: 'Ghost', handedness: 'LEFT', mobileNumber: '+14155552671' });
      // Inside the transaction the job and the message are there…
      expect(await jobCount(tx, 'sms')).toBe(before.sms + 1);
      expect(await tx.select().from(players).where(eq(players.firstName, 'Ghost'))).toHaveLength(1);
    });
    // …and after the rollback they are gone with the player.
    expect(await jobCount(db, 'sms')).toBe(before.sms);
    expect((await db.select({ n: count() }).from(messages))[0]!.n).toBe(before.messages);
    expect(await db.select().from(players).where(eq(players.firstName, 'Ghost'))).toEqual([]);
  });

  it('a rolled-back complete leaves the game PLAYING and no souvenir job', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Ana', mobileNumber: '+14155552671' });
    await driveTo(server, gameId, 'PLAYING');
    const before = await jobCount(db, 'souvenir');
    await thenFail(async (w, tx) => {
      await completeGame(w, gameId, { score: 10, distance: 20, homeruns: 1 });
      expect(await jobCount(tx, 'souvenir')).toBe(before + 1);
    });
    expect(await jobCount(db, 'souvenir')).toBe(before);
    expect((await gameRow(server, gameId)).state).toBe('PLAYING');
  });

  it('a rolled-back recall leaves no recall message and no sms job', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Bea', mobileNumber: '+14155552671' });
    await driveTo(server, gameId, 'QUEUED');
    const before = await jobCount(db, 'sms');
    await thenFail(async (w) => {
      await moveGame(w, gameId, 'recall');
    });
    expect(await jobCount(db, 'sms')).toBe(before);
    expect(await db.select().from(messages).where(eq(messages.gameId, gameId))).toEqual([]);
    expect((await gameRow(server, gameId)).state).toBe('QUEUED');
  });

  it('committed mutations always have their jobs', async () => {
    const { playerId, gameId } = await signUpPlayer(server, { firstName: 'Cam', mobileNumber: '+14155552671' });
    const welcome = await db.select().from(messages).where(eq(messages.playerId, playerId));
    expect(welcome.map((m) => m.kind)).toEqual(['welcome']);
    expect((await jobs(server, 'sms')).filter((j) => j.data.messageId === welcome[0]!.id)).toHaveLength(1);

    await driveTo(server, gameId, 'QUEUED');
    expect((await act(server, 'recall', gameId)).errors).toBeUndefined();
    const recall = await db.select().from(messages).where(eq(messages.gameId, gameId));
    expect(recall.map((m) => m.kind)).toEqual(['recall']);
    expect((await jobs(server, 'sms')).filter((j) => j.data.messageId === recall[0]!.id)).toHaveLength(1);

    await act(server, 'confirm', gameId);
    await act(server, 'play', gameId);
    expect((await act(server, 'complete', gameId)).errors).toBeUndefined();
    expect((await jobs(server, 'souvenir')).filter((j) => j.data.gameId === gameId)).toEqual([
      expect.objectContaining({ data: { gameId, notify: true } }),
    ]);
  });

  it('regenerateSouvenir queues a silent render for a COMPLETED game only', async () => {
    const staff = await server.token('STAFF');
    const REGEN = `mutation($id: ID!) { regenerateSouvenir(gameId: $id) { id state } }`;
    const { gameId } = await signUpPlayer(server, { firstName: 'Dot', mobileNumber: '+14155552671' });
    const early = await server.gql(REGEN, { id: String(gameId) }, staff);
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state: 'NEW' });
    await driveTo(server, gameId, 'COMPLETED');
    const r = await server.gql(REGEN, { id: String(gameId) }, staff);
    expect(r.data.regenerateSouvenir).toEqual({ id: String(gameId), state: 'COMPLETED' });
    const souvenirs = (await jobs(server, 'souvenir'))
      .filter((j) => j.data.gameId === gameId)
      .map((j) => j.data.notify);
    expect(souvenirs).toEqual([true, false]);
    expect((await db.select().from(games).where(eq(games.id, gameId)))[0]!.state).toBe('COMPLETED');
  });

  it('a player without a mobile number gets a souvenir that is not texted', async () => {
    const { gameId } = await signUpPlayer(server, {});
    await driveTo(server, gameId, 'COMPLETED');
    expect((await jobs(server, 'souvenir')).filter((j) => j.data.gameId === gameId).map((j) => j.data)).toEqual([
      { gameId, notify: false },
    ]);
  });
});
