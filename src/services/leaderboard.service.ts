// The leaderboard: each player's best COMPLETED game, best first.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { onLocalDay } from '../db/keyset.js';
import { games } from '../db/schema.js';
import { BadInputError } from '../domain/errors.js';
import { parseId } from '../domain/ids.js';

export const LEADERBOARD_DEFAULT = 10;
export const LEADERBOARD_MAX = 100;

export interface LeaderboardArgs {
  showId?: string | number | null;
  /** A calendar day (server time zone) of game creation. */
  date?: string | null;
  limit?: number | null;
}

export interface LeaderboardRow {
  /** Standard competition rank ("1224"): equal score, home runs and distance share a rank, the next rank skips. */
  rank: number;
  playerId: number;
  gameId: number;
  score: number;
  distance: number;
  homeruns: number;
}

export function leaderboardLimit(limit: number | null | undefined): number {
  if (limit === undefined || limit === null) return LEADERBOARD_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > LEADERBOARD_MAX) {
    throw new BadInputError({ limit: `must be a whole number from 1 to ${LEADERBOARD_MAX}` });
  }
  return limit;
}

export async function leaderboard(c: CallContext, args: LeaderboardArgs): Promise<LeaderboardRow[]> {
  const db = c.read;
  const timeZone = c.app.config.timeZone;
  const limit = leaderboardLimit(args.limit);
  const showId = args.showId !== undefined && args.showId !== null ? parseId(args.showId, 'showId') : undefined;
  const best = db.$with('best').as(
    db
      .selectDistinctOn([games.playerId], {
        playerId: games.playerId,
        gameId: games.id,
        score: games.score,
        distance: games.distance,
        homeruns: games.homeruns,
      })
      .from(games)
      .where(
        and(
          eq(games.state, 'COMPLETED'),
          showId ? eq(games.showId, showId) : undefined,
          args.date ? onLocalDay(games.createdAt, args.date, timeZone) : undefined,
        ),
      )
      // A player's best game; among equal games the earliest counts.
      .orderBy(games.playerId, desc(games.score), desc(games.homeruns), desc(games.distance), asc(games.id)),
  );
  return db
    .with(best)
    .select({
      rank: sql<number>`(rank() over (order by ${best.score} desc, ${best.homeruns} desc, ${best.distance} desc))::int`,
      playerId: best.playerId,
      gameId: best.gameId,
      score: best.score,
      distance: best.distance,
      homeruns: best.homeruns,
    })
    .from(best)
    .orderBy(desc(best.score), desc(best.homeruns), desc(best.distance), asc(best.gameId))
    .limit(limit);
}
