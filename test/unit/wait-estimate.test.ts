import { describe, expect, it } from 'vitest';
import { averageDuration, estimateWaits } from '../../src/domain/wait-estimate.js';

describe('averageDuration', () => {
  it('is the mean of valid durations and null without any', () => {
    expect(averageDuration([100, 200, 300])).toBe(200);
    expect(averageDuration([])).toBeNull();
    expect(averageDuration([Number.NaN, -5])).toBeNull();
    expect(averageDuration([120, -1, Number.POSITIVE_INFINITY])).toBe(120);
  });
});

describe('estimateWaits', () => {
  it('gives null for everyone when no game has completed yet', () => {
    expect(
      estimateWaits({ recentDurationsSeconds: [], playingElapsedSeconds: [30], aheadOfQueue: 1, waiting: 3 }),
    ).toEqual([null, null, null]);
  });

  it('counts one average game per game ahead', () => {
    // avg 180 s; nothing playing, nothing confirmed: first waits 0, then 180, 360.
    expect(
      estimateWaits({ recentDurationsSeconds: [120, 240], playingElapsedSeconds: [], aheadOfQueue: 0, waiting: 3 }),
    ).toEqual([0, 180, 360]);
  });

  it('adds what is left of the game in progress and the confirmed/recalled games ahead', () => {
    // avg 200 s, one game 50 s in (150 left), two games ahead of the queue.
    expect(
      estimateWaits({ recentDurationsSeconds: [200], playingElapsedSeconds: [50], aheadOfQueue: 2, waiting: 2 }),
    ).toEqual([550, 750]);
  });

  it('never counts an overrunning game as negative time', () => {
    expect(
      estimateWaits({ recentDurationsSeconds: [100], playingElapsedSeconds: [500], aheadOfQueue: 0, waiting: 2 }),
    ).toEqual([0, 100]);
  });

  it('shares the work ahead among rigs when several games play at once', () => {
    // avg 100 s; two rigs, each 100 s in (0 left); 1 game ahead: first waits 100/2, second 200/2.
    expect(
      estimateWaits({ recentDurationsSeconds: [100], playingElapsedSeconds: [100, 100], aheadOfQueue: 1, waiting: 2 }),
    ).toEqual([50, 100]);
  });

  it('returns whole seconds and one value per waiting game', () => {
    const out = estimateWaits({
      recentDurationsSeconds: [100, 101, 101],
      playingElapsedSeconds: [],
      aheadOfQueue: 1,
      waiting: 4,
    });
    expect(out).toHaveLength(4);
    for (const v of out) expect(Number.isInteger(v)).toBe(true);
    expect(
      estimateWaits({ recentDurationsSeconds: [100], playingElapsedSeconds: [], aheadOfQueue: 0, waiting: 0 }),
    ).toEqual([]);
  });
});
