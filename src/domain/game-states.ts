// The game state machine as data (docs/design.md), used by every transition. The database enum and
// the GraphQL enum are built from GAME_STATES.

export const GAME_STATES = ['NEW', 'QUEUED', 'RECALLED', 'CONFIRMED', 'PLAYING', 'COMPLETED', 'CANCELLED'] as const;
export type GameState = (typeof GAME_STATES)[number];

export type GameAction = 'queue' | 'recall' | 'confirm' | 'play' | 'complete' | 'cancel';

export interface Transition {
  readonly from: readonly GameState[];
  readonly to: GameState;
  /** Column set the first time the game enters `to` (recall overwrites: latest recall). */
  readonly stamp: 'queuedAt' | 'recalledAt' | 'confirmedAt' | 'playingAt' | 'completedAt' | 'cancelledAt';
  /** After this transition the show's recall window may have room. */
  readonly freesSlot: boolean;
}

export const TRANSITIONS: Readonly<Record<GameAction, Transition>> = Object.freeze({
  queue: { from: ['NEW', 'RECALLED'], to: 'QUEUED', stamp: 'queuedAt', freesSlot: false },
  recall: { from: ['QUEUED'], to: 'RECALLED', stamp: 'recalledAt', freesSlot: false },
  confirm: { from: ['NEW', 'QUEUED', 'RECALLED'], to: 'CONFIRMED', stamp: 'confirmedAt', freesSlot: false },
  play: { from: ['CONFIRMED'], to: 'PLAYING', stamp: 'playingAt', freesSlot: false },
  complete: { from: ['PLAYING'], to: 'COMPLETED', stamp: 'completedAt', freesSlot: true },
  // A finished game does not move again: a wrong result is corrected (correctResult), not cancelled.
  cancel: {
    from: ['NEW', 'QUEUED', 'RECALLED', 'CONFIRMED', 'PLAYING'],
    to: 'CANCELLED',
    stamp: 'cancelledAt',
    freesSlot: true,
  },
});

/**
 * Moves a client may safely send again after a lost response (a VR rig on flaky Wi-Fi): when the game
 * is already where the move leads, the repeat answers the game as it is and records and sends nothing.
 * A completion repeats only with the same result. Queue, recall and confirm are not repeats: each
 * is a decision (a recall texts, one of many racing confirms wins), so a second one stays an error.
 */
const REPEATABLE: readonly GameAction[] = ['play', 'complete', 'cancel'];

export function isRepeat(action: GameAction, current: GameState, sameResult: boolean): boolean {
  return REPEATABLE.includes(action) && TRANSITIONS[action].to === current && sameResult;
}

export function canTransition(from: GameState, action: GameAction): boolean {
  return TRANSITIONS[action].from.includes(from);
}

/** A player may start a new game only once their active one is finished. */
export const FINISHED_STATES: readonly GameState[] = ['COMPLETED', 'CANCELLED'];
