// How long each waiting player should expect to wait, from how long recent games took.
// Pure: the caller gathers recent durations and what is ahead of the queue.

/** How many of the show's latest completed games the average is taken over. */
export const ESTIMATE_SAMPLE_SIZE = 10;
/** Below this many completed games the show's typical game length is used instead of its history. */
export const ESTIMATE_MIN_HISTORY = 3;

export interface WaitEstimateInput {
  /** playingAt→completedAt of recent completed games, in seconds (any order). */
  recentDurationsSeconds: readonly number[];
  /** For each game now PLAYING, seconds since it started. */
  playingElapsedSeconds: readonly number[];
  /** Games that will play before the first QUEUED one (CONFIRMED and RECALLED). */
  aheadOfQueue: number;
  /** Number of QUEUED games. */
  waiting: number;
  /**
   * The show's typical game length in seconds, used until ESTIMATE_MIN_HISTORY games have
   * completed; without it too little history gives no estimate (null).
   */
  typicalSeconds?: number;
}

/** Mean of the valid (finite, non-negative) durations; null when there is none. */
export function averageDuration(durations: readonly number[]): number | null {
  const valid = durations.filter((d) => Number.isFinite(d) && d >= 0);
  if (valid.length === 0) return null;
  return valid.reduce((a, b) => a + b, 0) / valid.length;
}

/**
 * Seconds until each waiting game (in queue order) can start, or null for all when no history exists.
 * Games now playing count for what is left of an average game; every game ahead counts for a whole one.
 * Several games playing at once means several rigs: the work ahead is shared among them.
 */
export function estimateWaits(input: WaitEstimateInput): Array<number | null> {
  const history = input.recentDurationsSeconds.filter((d) => Number.isFinite(d) && d >= 0);
  const avg =
    history.length >= ESTIMATE_MIN_HISTORY || input.typicalSeconds === undefined
      ? averageDuration(history)
      : input.typicalSeconds;
  if (avg === null) return Array.from({ length: input.waiting }, () => null);
  const rigs = Math.max(1, input.playingElapsedSeconds.length);
  const leftOfPlaying = input.playingElapsedSeconds.reduce(
    (sum, elapsed) => sum + Math.max(avg - Math.max(elapsed, 0), 0),
    0,
  );
  return Array.from({ length: input.waiting }, (_, i) => {
    const gamesAhead = input.aheadOfQueue + i;
    return Math.round((leftOfPlaying + gamesAhead * avg) / rigs);
  });
}
