import { describe, expect, it } from 'vitest';
import {
  canTransition,
  FINISHED_STATES,
  GAME_STATES,
  TRANSITIONS,
  type GameAction,
} from '../../src/domain/game-states.js';

// docs/design.md's table, restated independently so a change to either one is caught.
const ALLOWED: Record<GameAction, string[]> = {
  queue: ['NEW', 'RECALLED'],
  recall: ['QUEUED'],
  confirm: ['NEW', 'QUEUED', 'RECALLED'],
  play: ['CONFIRMED'],
  complete: ['PLAYING'],
  cancel: ['NEW', 'QUEUED', 'RECALLED', 'CONFIRMED', 'PLAYING'],
};
const TARGET: Record<GameAction, string> = {
  queue: 'QUEUED',
  recall: 'RECALLED',
  confirm: 'CONFIRMED',
  play: 'PLAYING',
  complete: 'COMPLETED',
  cancel: 'CANCELLED',
};

describe('game state machine', () => {
  const cases = GAME_STATES.flatMap((from) =>
    (Object.keys(ALLOWED) as GameAction[]).map((action) => [from, action] as const),
  );

  it.each(cases)('from %s, %s is allowed only as in the design table', (from, action) => {
    expect(canTransition(from, action)).toBe(ALLOWED[action].includes(from));
  });

  it('moves each action to its target state and stamps the matching column', () => {
    for (const [action, t] of Object.entries(TRANSITIONS)) {
      expect(t.to).toBe(TARGET[action as GameAction]);
      expect(t.stamp).toBe(`${t.to.toLowerCase()}At`);
    }
  });

  it('has no way out of CANCELLED or COMPLETED (a result is corrected, not moved)', () => {
    const actions = Object.keys(TRANSITIONS) as GameAction[];
    expect(actions.filter((a) => canTransition('CANCELLED', a))).toEqual([]);
    expect(actions.filter((a) => canTransition('COMPLETED', a))).toEqual([]);
  });

  it('frees a recall slot only on complete and cancel', () => {
    const freeing = Object.entries(TRANSITIONS)
      .filter(([, t]) => t.freesSlot)
      .map(([a]) => a);
    expect(freeing.sort()).toEqual(['cancel', 'complete']);
  });

  it('counts COMPLETED and CANCELLED as finished', () => {
    expect([...FINISHED_STATES].sort()).toEqual(['CANCELLED', 'COMPLETED']);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(TRANSITIONS)).toBe(true);
  });
});
