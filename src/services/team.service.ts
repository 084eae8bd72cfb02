// Teams: created by admins; names are unique regardless of letter case (a unique index on lower(name)).
import { isUniqueViolation } from '../db/client.js';
import { teams, TEAM_NAME_INDEX, type Team } from '../db/schema.js';
import { ConflictError } from '../domain/errors.js';
import { normalizeTeamInput } from '../domain/show-input.js';
import { inTransaction, type CallContext } from '../context.js';

export async function createTeam(c: CallContext, input: { name: string; color: string }): Promise<Team> {
  const values = normalizeTeamInput(input);
  try {
    // Its own (sub)transaction: a clash inside a caller's transaction rolls back only this insert.
    return await inTransaction(c, async (tx) => {
      const [row] = await tx
        .insert(teams)
        .values({ ...values, createdAt: c.now() })
        .returning();
      return row!;
    });
  } catch (err) {
    if (isUniqueViolation(err, TEAM_NAME_INDEX))
      throw new ConflictError(`A team named "${values.name}" already exists`, { field: 'name' });
    throw err;
  }
}
