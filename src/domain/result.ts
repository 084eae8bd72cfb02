// The VR game's result for a completed game.
import { BadInputError } from './errors.js';

export interface GameResult {
  score: number;
  distance: number;
  homeruns: number;
}

/** Every field must be a whole number ≥ 0; all offenders are named at once. */
export function checkResult(result: GameResult): GameResult {
  const errors: Record<string, string> = {};
  for (const key of ['score', 'distance', 'homeruns'] as const) {
    const v = result[key];
    if (!Number.isSafeInteger(v) || v < 0) errors[key] = 'must be a whole number of 0 or more';
  }
  if (Object.keys(errors).length) throw new BadInputError(errors);
  return { score: result.score, distance: result.distance, homeruns: result.homeruns };
}

/** Whether a completed game already holds this result (so completing it again is a retry). */
export function sameResult(game: Partial<GameResult>, result: GameResult): boolean {
  return game.score === result.score && game.distance === result.distance && game.homeruns === result.homeruns;
}
