// The recall window: at most `windowSize` players may be "recalled" (texted to come back) at once;
// a recall stops counting once `windowMinutes` have passed, so a no-show frees the slot.
import type { GameState } from './game-states.js';

/** Recalls made after this instant are still active. */
export function recallCutoff(now: Date, windowMinutes: number): Date {
  return new Date(now.getTime() - windowMinutes * 60_000);
}

export function isActiveRecall(
  game: { state: GameState; recalledAt: Date | null },
  now: Date,
  windowMinutes: number,
): boolean {
  return game.state === 'RECALLED' && game.recalledAt !== null && game.recalledAt > recallCutoff(now, windowMinutes);
}

/** How many more queued players to recall now. */
export function recallsToMake(windowSize: number, activeRecalls: number): number {
  return Math.max(windowSize - activeRecalls, 0);
}
