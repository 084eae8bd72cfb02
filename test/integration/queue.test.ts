import { describe, expect, it } from 'vitest';
import { loadQueue } from '../../src/services/queue.service.js';
import { at, fixtures } from '../helpers/read-fixtures.js';
import { useTestServer } from '../helpers/server.js';

const NOW = at('2024-07-01T18:00:00Z');
const server = await useTestServer({ now: () => NOW, worker: false, env: { RECALL_WINDOW_SIZE: '3', RECALL_WINDOW_MINUTES: '20' } });
const db = server.app.deps.database.db;
const f = fixtures(db);
const recall = server.config.recall;
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe('loadQueue', () => {
  it('groups and orders the show games, numbers the queue and counts active recalls', async () => {
    const show = await f.show();
    const other = await f.show();
    const p = await f.player();
    const g = (values: Parameters<typeof f.game>[0] extends infer T ? Partial<T> : never) => f.game({ playerId: p.id, showId: show.id, ...values });
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
    expect(snap.waiting.map((w) => [w.position, w.game.id])).toEqual([[1, q1.id], [2, q2.id], [3, q3.id]]);
    expect(snap.activeRecalls).toBe(1); // the 30-minute-old recall is outside the 20-minute window
    expect(snap.recallWindowSize).toBe(3);
    expect(snap.version).toBe(0);
    expect(snap.waiting.every((w) => w.estimatedWaitSeconds === null)).toBe(true); // no history yet
  });

  it('uses the latest event id of the show as version and estimates waits from recent games', async () => {
    const show = await f.show();
    const p = await f.player();
    // Two recent games of 100 s and 300 s (avg 200 s); an older, slower one beyond the sample does not count.
    for (let i = 0; i < 10; i++) {
      const secs = i % 2 === 0 ? 100 : 300;
      await f.game({ playerId: p.id, showId: show.id, state: 'COMPLETED', playingAt: minutesAgo(100 - i), completedAt: new Date(minutesAgo(100 - i).getTime() + secs * 1000) });
    }
    await f.game({ playerId: p.id, showId: show.id, state: 'COMPLETED', playingAt: minutesAgo(500), completedAt: minutesAgo(400) });
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
