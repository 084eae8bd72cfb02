import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isActiveRecall, recallCutoff, recallsToMake } from '../../src/domain/recall.js';

const NOW = new Date('2025-06-01T18:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);

describe('recall window', () => {
  it('recalls up to the free slots and never a negative number', () => {
    expect(recallsToMake(2, 0)).toBe(2);
    expect(recallsToMake(2, 1)).toBe(1);
    expect(recallsToMake(2, 2)).toBe(0);
    expect(recallsToMake(2, 5)).toBe(0);
    expect(recallsToMake(0, 0)).toBe(0);
  });

  it('never makes active + new exceed the window when active starts within it', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(60), (size, active) => {
        const n = recallsToMake(size, active);
        expect(n).toBeGreaterThanOrEqual(0);
        if (active <= size) expect(active + n).toBe(size);
        else expect(n).toBe(0);
      }),
    );
  });

  it('counts a recall as active only while it is younger than the window', () => {
    expect(isActiveRecall({ state: 'RECALLED', recalledAt: minutesAgo(19) }, NOW, 20)).toBe(true);
    expect(isActiveRecall({ state: 'RECALLED', recalledAt: minutesAgo(20) }, NOW, 20)).toBe(false);
    expect(isActiveRecall({ state: 'RECALLED', recalledAt: minutesAgo(45) }, NOW, 20)).toBe(false);
    expect(isActiveRecall({ state: 'RECALLED', recalledAt: null }, NOW, 20)).toBe(false);
  });

  it('does not count games that left RECALLED', () => {
    for (const state of ['NEW', 'QUEUED', 'CONFIRMED', 'PLAYING', 'COMPLETED', 'CANCELLED'] as const) {
      expect(isActiveRecall({ state, recalledAt: minutesAgo(1) }, NOW, 20)).toBe(false);
    }
  });

  it('puts the cutoff window minutes before now', () => {
    expect(recallCutoff(NOW, 20).toISOString()).toBe('2025-06-01T17:40:00.000Z');
  });
});
