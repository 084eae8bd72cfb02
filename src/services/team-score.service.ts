// Team.scores: per calendar day (server time zone) of game creation, totals over the team's
// COMPLETED games. Days are bucketed in SQL so the time zone rules are Postgres's, not ours.
import { and, eq, sql } from 'drizzle-orm';
import { inIds, type Db } from '../db/client.js';
import { games, players } from '../db/schema.js';

export interface TeamDayScore {
  day: string;
  score: number;
  distance: number;
  homeruns: number;
  games: number;
}

/** Scores of several teams at once (one query), each oldest day first. */
export async function teamScores(
  db: Db,
  teamIds: readonly number[],
  timeZone: string,
): Promise<Map<number, TeamDayScore[]>> {
  const result = new Map<number, TeamDayScore[]>(teamIds.map((id) => [id, []]));
  if (teamIds.length === 0) return result;
  const rows = await db
    .select({
      teamId: players.teamId,
      day: sql<string>`((${games.createdAt} at time zone ${timeZone})::date)::text`,
      score: sql<number>`sum(${games.score})::int`,
      distance: sql<number>`sum(${games.distance})::int`,
      homeruns: sql<number>`sum(${games.homeruns})::int`,
      games: sql<number>`count(*)::int`,
    })
    .from(games)
    .innerJoin(players, eq(players.id, games.playerId))
    .where(and(eq(games.state, 'COMPLETED'), inIds(players.teamId, teamIds)))
    // Positional: the time zone is a parameter, and Postgres would not match `$1` in the list to `$n` here.
    .groupBy(sql`1`, sql`2`)
    .orderBy(sql`1`, sql`2`);
  for (const { teamId, ...day } of rows) result.get(teamId!)?.push(day);
  return result;
}
