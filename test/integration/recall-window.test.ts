import { and, asc, eq, gt, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { gameEvents, games, messages } from '../../src/db/schema.js';
import { callContext } from '../../src/context.js';
import { runRecallPass } from '../../workers/recall.worker.js';
import { act, driveTo, gameRow, seedShow, signUpPlayer, testClock } from '../helpers/api.js';
import { useTestServer, type TestServer } from '../helpers/server.js';

const clock = testClock();
const server = await useTestServer({
  now: clock.now,
  worker: false,
  env: { RECALL_WINDOW_SIZE: '2', RECALL_WINDOW_MINUTES: '20' },
});
const db = server.app.context.database.db;
const MINUTE = 60_000;
const mobile = (i: number) => `+1415555${String(1000 + i)}`;

/** Signs `n` players up for `showId` and queues them in order, one second apart. */
async function queued(s: TestServer, showId: number, n: number, withMobile: (i: number) => boolean = () => true) {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const { gameId } = await signUpPlayer(s, {
      showId: String(showId),
      firstName: `Q${i}`,
      mobileNumber: withMobile(i) ? mobile(i) : null,
    });
    clock.advance(1000);
    expect((await act(s, 'queue', gameId)).errors).toBeUndefined();
    ids.push(gameId);
  }
  return ids;
}

/** Cancels a throwaway game of the show: cancel runs auto-recall. */
async function trigger(s: TestServer, showId: number) {
  const { gameId } = await signUpPlayer(s, { showId: String(showId), firstName: 'Trigger' });
  expect((await act(s, 'cancel', gameId)).errors).toBeUndefined();
}

async function activeRecalls(s: TestServer, showId: number) {
  const cutoff = new Date(clock.now().getTime() - 20 * MINUTE);
  const rows = await s.app.context.database.db
    .select({ id: games.id })
    .from(games)
    .where(and(eq(games.showId, showId), eq(games.state, 'RECALLED'), gt(games.recalledAt, cutoff)))
    .orderBy(asc(games.id));
  return rows.map((r) => r.id);
}

const states = async (ids: number[]) => Promise.all(ids.map(async (id) => (await gameRow(server, id)).state));

describe('recall window', () => {
  it('never exceeds the window under 50 concurrent completes', async () => {
    const show = await seedShow(server, { name: 'Crowd' });
    const waiting = await queued(server, show.id, 8);
    const playing: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const { gameId } = await signUpPlayer(server, { showId: String(show.id), firstName: `P${i}` });
        await driveTo(server, gameId, 'PLAYING');
        playing.push(gameId);
      }),
    );
    const vr = await server.token('VR_GAME');
    const results = await Promise.all(
      playing.map((id) =>
        server.gql(
          `mutation($id: ID!) { completeGame(id: $id, result: { score: 1, distance: 2, homeruns: 0 }) { state } }`,
          { id: String(id) },
          vr,
        ),
      ),
    );
    expect(results.filter((r) => r.errors)).toEqual([]);
    // The first two in queue order, exactly once each.
    expect(await activeRecalls(server, show.id)).toEqual(waiting.slice(0, 2));
    expect(await states(waiting)).toEqual([
      'RECALLED',
      'RECALLED',
      'QUEUED',
      'QUEUED',
      'QUEUED',
      'QUEUED',
      'QUEUED',
      'QUEUED',
    ]);
    const events = await db
      .select()
      .from(gameEvents)
      .where(and(eq(gameEvents.showId, show.id), eq(gameEvents.toState, 'RECALLED')));
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.actor === 'system')).toBe(true);
    const texts = await db.select().from(messages).where(eq(messages.kind, 'recall'));
    for (const e of events)
      expect(texts.filter((m) => m.dedupeKey === `recall:${e.id}` && m.gameId === e.gameId)).toHaveLength(1);
  });

  it('frees a slot when a recall expires, on the periodic pass', async () => {
    const show = await seedShow(server, { name: 'Expiry' });
    const ids = await queued(server, show.id, 5);
    await trigger(server, show.id);
    expect(await states(ids)).toEqual(['RECALLED', 'RECALLED', 'QUEUED', 'QUEUED', 'QUEUED']);
    clock.advance(19 * MINUTE);
    expect(await runRecallPass(callContext(server.app.context), { showId: show.id })).toBe(0);
    clock.advance(2 * MINUTE);
    // Both recalls are now older than the window: two more players are recalled, the old ones stay RECALLED.
    expect(await runRecallPass(callContext(server.app.context), { showId: show.id })).toBe(2);
    expect(await states(ids)).toEqual(['RECALLED', 'RECALLED', 'RECALLED', 'RECALLED', 'QUEUED']);
    expect(await activeRecalls(server, show.id)).toEqual(ids.slice(2, 4));
  });

  it('skips players without a mobile number', async () => {
    const show = await seedShow(server, { name: 'No phones' });
    const ids = await queued(server, show.id, 5, (i) => i === 1 || i === 3);
    await trigger(server, show.id);
    expect(await states(ids)).toEqual(['QUEUED', 'RECALLED', 'QUEUED', 'RECALLED', 'QUEUED']);
  });

  it('keeps a re-queued player in their place', async () => {
    const show = await seedShow(server, { name: 'Requeue' });
    const [a, b, c] = await queued(server, show.id, 3);
    const firstQueuedAt = (await gameRow(server, a!)).queuedAt;
    clock.advance(MINUTE);
    expect((await act(server, 'recall', a!)).errors).toBeUndefined();
    clock.advance(MINUTE);
    expect((await act(server, 'queue', a!)).errors).toBeUndefined();
    expect((await gameRow(server, a!)).queuedAt).toEqual(firstQueuedAt);
    const order = await db
      .select({ id: games.id })
      .from(games)
      .where(and(eq(games.showId, show.id), eq(games.state, 'QUEUED')))
      .orderBy(asc(games.queuedAt), asc(games.id));
    expect(order.map((r) => r.id)).toEqual([a, b, c]);
    await trigger(server, show.id);
    expect(await states([a!, b!, c!])).toEqual(['RECALLED', 'RECALLED', 'QUEUED']);
  });

  it('does not recall beyond the window when manual recalls already fill it', async () => {
    const show = await seedShow(server, { name: 'Manual' });
    const ids = await queued(server, show.id, 4);
    await act(server, 'recall', ids[3]!);
    await act(server, 'recall', ids[2]!);
    await trigger(server, show.id);
    expect(await states(ids)).toEqual(['QUEUED', 'QUEUED', 'RECALLED', 'RECALLED']);
  });
});

describe('RECALL_DISABLE', () => {
  it('turns auto-recall off, on completes and on the periodic pass', async () => {
    const off = await useTestServer({ worker: false, env: { RECALL_DISABLE: 'true' } });
    const show = await seedShow(off, { name: 'Off' });
    const { gameId } = await signUpPlayer(off, { showId: String(show.id), mobileNumber: mobile(1) });
    expect((await act(off, 'queue', gameId)).errors).toBeUndefined();
    await trigger(off, show.id);
    expect(await runRecallPass(callContext(off.app.context), {})).toBe(0);
    expect((await gameRow(off, gameId)).state).toBe('QUEUED');
  });
});

describe('periodic recall worker', () => {
  it('recalls queued players every RECALL_INTERVAL_SECONDS without any mutation', async () => {
    const live = await useTestServer({ env: { RECALL_INTERVAL_SECONDS: '1', RECALL_WINDOW_SIZE: '1' } });
    const show = await seedShow(live, { name: 'Periodic' });
    const [first, second] = await queued(live, show.id, 2);
    // Queueing alone recalls nobody; only the periodic pass does.
    const deadline = Date.now() + 15_000;
    while ((await gameRow(live, first!)).state !== 'RECALLED' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    expect((await gameRow(live, first!)).state).toBe('RECALLED');
    expect((await gameRow(live, second!)).state).toBe('QUEUED');
    const [{ n }] = (await live.app.context.database.db.execute(
      sql`select count(*)::int as n from pgboss.job where name = 'recall'`,
    )) as unknown as [{ n: number }];
    expect(n).toBeGreaterThan(0);
  });
});
