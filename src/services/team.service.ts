// Teams: created by admins; names are unique regardless of letter case.
import { sql } from 'drizzle-orm';
import { teams, type Team } from '../db/schema.js';
import { ConflictError } from '../domain/errors.js';
import { normalizeTeamInput } from '../domain/show-input.js';
import { inTransaction, type CallContext } from '../context.js';

const TEAM_NAME_LOCK = 7303;

export async function createTeam(c: CallContext, input: { name: string; color: string }): Promise<Team> {
  const values = normalizeTeamInput(input);
  return inTransaction(c, async (tx) => {
    // The unique index is case-sensitive; the lock makes the case-insensitive check race-free.
    await tx.execute(sql`select pg_advisory_xact_lock(${TEAM_NAME_LOCK}, 0)`);
    const [clash] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(sql`lower(${teams.name}) = lower(${values.name})`)
      .limit(1);
    if (clash) throw new ConflictError(`A team named "${values.name}" already exists`, { field: 'name' });
    const [row] = await tx
      .insert(teams)
      .values({ ...values, createdAt: c.now() })
      .returning();
    return row!;
  });
}
