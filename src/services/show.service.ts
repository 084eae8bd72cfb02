// Shows: created and edited by admins; "the current show" is the one sign-ups go to by default.
import { desc, eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { shows, type Show } from '../db/schema.js';
import { DomainError, NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import { normalizeShowInput, type ShowFields } from '../domain/show-input.js';
import type { CallContext } from '../context.js';

const latestShow = prepared('current_show', (db) =>
  db.select().from(shows).orderBy(desc(shows.date), desc(shows.id)).limit(1),
);

/** The latest show by date (ties: highest id), or null when there is none. */
export async function currentShow(db: Executor): Promise<Show | null> {
  const [row] = await latestShow(db);
  return row ?? null;
}

/** The show named by `showId`, or the current show; NOT_FOUND when it does not exist. */
export async function resolveShow(db: Executor, showId?: string | number | null): Promise<Show> {
  if (showId !== undefined && showId !== null && showId !== '') {
    const id = idOf('Show', showId);
    const [row] = await db.select().from(shows).where(eq(shows.id, id));
    if (!row) throw new NotFoundError('Show', showId);
    return row;
  }
  const current = await currentShow(db);
  if (!current)
    throw new DomainError('NOT_FOUND', 'There is no show yet: an admin must create one first', { entity: 'Show' });
  return current;
}

export async function resolveShowId(db: Executor, showId?: string | number | null): Promise<number> {
  return (await resolveShow(db, showId)).id;
}

export async function createShow(c: CallContext, input: ShowFields): Promise<Show> {
  const values = normalizeShowInput(input);
  const now = c.now();
  const [row] = await c.db
    .insert(shows)
    .values({ ...values, createdAt: now, updatedAt: now })
    .returning();
  return row!;
}

export async function updateShow(c: CallContext, rawId: string | number, input: ShowFields): Promise<Show> {
  const id = idOf('Show', rawId);
  const values = normalizeShowInput(input);
  const [row] = await c.db
    .update(shows)
    .set({ ...values, updatedAt: c.now() })
    .where(eq(shows.id, id))
    .returning();
  if (!row) throw new NotFoundError('Show', rawId);
  return row;
}

/**
 * Sets (or with null removes) the show's logo, already prepared and stored under `key`; returns
 * the key it replaces, whose file the caller deletes once this has committed.
 */
export async function setShowLogo(
  c: CallContext,
  showId: number,
  key: string | null,
): Promise<{ show: Show; replaced: string | null }> {
  return c.db.transaction(async (tx) => {
    const [before] = await tx.select({ logoKey: shows.logoKey }).from(shows).where(eq(shows.id, showId)).for('update');
    if (!before) throw new NotFoundError('Show', showId);
    const [show] = await tx
      .update(shows)
      .set({ logoKey: key, updatedAt: c.now() })
      .where(eq(shows.id, showId))
      .returning();
    return { show: show!, replaced: before.logoKey !== key ? before.logoKey : null };
  });
}
