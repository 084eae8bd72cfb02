import { describe, expect, it } from 'vitest';
import { loadQueue } from '../../src/services/queue.service.js';
import { at, fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

const NOW = at('2024-07-01T18:00:00Z');
let clock = NOW;
const server = await useTestServer({
  now: () => clock,
  worker: false,
  env: { RECALL_WINDOW_SIZE: '3', RECALL_WINDOW_MINUTES: '20' },
});
const db = server.app.context.database.db;
const f = fixtures(db);
const recall = server.config.recall;
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

const QUEUE = `query($showId: ID) { queue(showId: $showId) {
  id show { id name } version activeRecalls recallWindowSize
  playing { id } confirmed { id } recalled { id }
  waiting { position estimatedWaitSeconds game { id state queuePosition player { firstName } } }
} }`;

// Runs first: the file's database has no show yet.
describe('queue query', () => {
  it('explains that there is no show yet when showId is omitted', async () => {
    const r = await server.gql(QUEUE, {});
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(r.errors?.[0]?.message).toMatch(/no show/i);
  });

  it('uses the current show (latest date, ties highest id) when showId is omitted, or the one named', async () => {
    const older = await f.show({ date: '2024-06-30' });
    const tieLow = await f.show({ date: '2024-07-02' });
    const current = await f.show({ date: '2024-07-02', name: 'Current' });
    const p = await f.player({ firstName: 'Zoe' });
    const g = await f.game({ playerId: p.id, showId: current.id, state: 'QUEUED', queuedAt: minutesAgo(1) });
    await f.game({ playerId: p.id, showId: older.id, state: 'QUEUED', queuedAt: minutesAgo(1) });
    const r = await server.gql(QUEUE, {});
    expect(r.errors).toBeUndefined();
    expect(r.data.queue).toMatchObject({
      id: String(current.id),
      show: { id: String(current.id), name: 'Current' },
      version: 0,
      activeRecalls: 0,
      recallWindowSize: 3,
      playing: [],
      confirmed: [],
      recalled: [],
      waiting: [
        {
          position: 1,
          estimatedWaitSeconds: 0,
          game: { id: String(g.id), state: 'QUEUED', queuePosition: 1, player: { firstName: 'Zoe' } },
        },
      ],
    });
    const named = await server.gql(QUEUE, { showId: String(tieLow.id) });
    expect(named.data.queue.show.id).toBe(String(tieLow.id));
    expect(named.data.queue.id).toBe(String(tieLow.id));
    expect(named.data.queue.waiting).toEqual([]);
  });

  it('answers NOT_FOUND for an unknown or malformed show id', async () => {
    const r = await server.gql(QUEUE, { showId: '424242' });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(r.errors?.[0]?.message).toMatch(/424242/);
    const bad = await server.gql(QUEUE, { showId: 'x' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('loadQueue', () => {
  it('groups and orders the show games, numbers the queue and counts active recalls', async () => {
    const show = await f.show();
    const other = await f.show();
    const p = await f.player();
    const g = (values: Parameters<typeof f.game>[0] extends infer T ? Partial<T> : never) =>
      f.game({ playerId: p.id, showId: show.id, ...values });
    const q2 = await g({ state: 'QUEUED', queuedAt: minutesAgo(5) });
    const q1 = await g({ state: 'QUEUED', queuedAt: minutesAgo(9) });
    const q3 = await g({ state: 'QUEUED', queuedAt: minutesAgo(5) }); // same time as q2: id breaks the tie
    const c2 = await g({ state: 'CONFIRMED', confirmedAt: minutesAgo(1) });
    const c1 = await g({ state: 'CONFIRMED', confirmedAt: minutesAgo(2) });
    const rOld = await g({ state: 'RECALLED', recalledAt: minutesAgo(30) });
    const rNew = await g({ state: 'RECALLED', recalledAt: minutesAgo(3) });
    const playing = await g({ state: 'PLAYING', playingAt: minutesAgo(1) });
    await g({ state: 'NEW' });
    await g({ state: 'CANCELLED' });
    await f.game({ playerId: p.id, showId: other.id, state: 'QUEUED', queuedAt: minutesAgo(60) });

    const snap = await loadQueue(db, show.id, { now: NOW, recall });
    expect(snap.show.id).toBe(show.id);
    expect(snap.playing.map((x) => x.id)).toEqual([playing.id]);
    expect(snap.confirmed.map((x) => x.id)).toEqual([c1.id, c2.id]);
    expect(snap.recalled.map((x) => x.id)).toEqual([rOld.id, rNew.id]);
    expect(snap.waiting.map((w) => [w.position, w.game.id])).toEqual([
      [1, q1.id],
      [2, q2.id],
      [3, q3.id],
    ]);
    expect(snap.activeRecalls).toBe(1); // the 30-minute-old recall is outside the 20-minute window
    expect(snap.recallWindowSize).toBe(3);
    expect(snap.version).toBe(0);
    // No history yet: the show's typical 4-minute game. 3 min left of the one playing, 4 games ahead.
    expect(snap.waiting.map((w) => w.estimatedWaitSeconds)).toEqual([1140, 1380, 1620]);
  });

  it('uses the latest event id of the show as version and estimates waits from recent games', async () => {
    const show = await f.show();
    const p = await f.player();
    // Two recent games of 100 s and 300 s (avg 200 s); an older, slower one beyond the sample does not count.
    for (let i = 0; i < 10; i++) {
      const secs = i % 2 === 0 ? 100 : 300;
      await f.game({
        playerId: p.id,
        showId: show.id,
        state: 'COMPLETED',
        playingAt: minutesAgo(100 - i),
        completedAt: new Date(minutesAgo(100 - i).getTime() + secs * 1000),
      });
    }
    await f.game({
      playerId: p.id,
      showId: show.id,
      state: 'COMPLETED',
      playingAt: minutesAgo(500),
      completedAt: minutesAgo(400),
    });
    const q1 = await f.game({ playerId: p.id, showId: show.id, state: 'QUEUED', queuedAt: minutesAgo(3) });
    const q2 = await f.game({ playerId: p.id, showId: show.id, state: 'QUEUED', queuedAt: minutesAgo(2) });
    await f.game({ playerId: p.id, showId: show.id, state: 'CONFIRMED', confirmedAt: minutesAgo(1) });
    const e1 = await f.event(q1);
    const e2 = await f.event(q2);
    const otherShow = await f.show();
    const og = await f.game({ playerId: p.id, showId: otherShow.id });
    const e3 = await f.event(og);
    expect(e3.id).toBeGreaterThan(e2.id);

    const snap = await loadQueue(db, show.id, { now: NOW, recall });
    expect(snap.version).toBe(Math.max(e1.id, e2.id));
    // One confirmed game ahead: 200 s, then 400 s.
    expect(snap.waiting.map((w) => w.estimatedWaitSeconds)).toEqual([200, 400]);
  });

  it('fails with NOT_FOUND for an unknown show', async () => {
    await expect(loadQueue(db, 999_999, { now: NOW, recall })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('queue through the mutations', () => {
  it('grows its version with each change and lists a queued sign-up', async () => {
    clock = new Date(); // tokens are signed with the server's time and checked against the real one
    const show = await f.show({ date: '2030-01-01', name: 'Live' });
    const tablet = await server.token('TABLET');
    const before = (await server.gql(QUEUE, { showId: String(show.id) })).data.queue.version;
    const s = await server.gql(
      `mutation($i: SignUpInput!) { signUp(input: $i) { id activeGame { id state } } }`,
      { i: { firstName: 'Kim', handedness: 'LEFT', showId: String(show.id) } },
      tablet,
    );
    expect(s.errors, JSON.stringify(s.errors)).toBeUndefined();
    const gameId = s.data.signUp.activeGame.id;
    const afterSignUp = (await server.gql(QUEUE, { showId: String(show.id) })).data.queue.version;
    const q = await server.gql(`mutation($id: ID!) { queueGame(id: $id) { id } }`, { id: gameId }, tablet);
    expect(q.errors).toBeUndefined();
    const queue = (await server.gql(QUEUE, { showId: String(show.id) })).data.queue;
    expect(afterSignUp).toBeGreaterThan(before);
    expect(queue.version).toBeGreaterThan(afterSignUp);
    expect(queue.waiting.map((w: { game: { id: string } }) => w.game.id)).toEqual([gameId]);
  });
});
