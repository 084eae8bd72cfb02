import { asc, count } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { inIds, type Db } from '../db/client.js';
import { players, teams, type Team } from '../db/schema.js';

export async function listTeams(c: CallContext): Promise<Team[]> {
  return c.read.select().from(teams).orderBy(asc(teams.name), asc(teams.id));
}

/** Players per team for several teams at once; teams without members count 0. */
export async function memberCounts(db: Db, teamIds: readonly number[]): Promise<Map<number, number>> {
  const result = new Map<number, number>(teamIds.map((id) => [id, 0]));
  if (teamIds.length === 0) return result;
  const rows = await db
    .select({ teamId: players.teamId, n: count() })
    .from(players)
    .where(inIds(players.teamId, teamIds))
    .groupBy(players.teamId);
  for (const r of rows) result.set(r.teamId!, r.n);
  return result;
}
