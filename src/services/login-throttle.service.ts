// The login throttle's counters, in PostgreSQL so every API process shares them. An attempt is
// counted before its password is checked, in one atomic upsert per counter: of many parallel guesses
// only those within the limit are ever checked. A success (or an attempt refused unchecked) gives
// its count back; nothing else lowers a count, so another account's success never resets it.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { LOGIN_LIMITS, type Count } from '../domain/login-throttle.js';

const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

/** Counts one attempt against each key; the counts after it, to compare with the limits. */
export async function countAttempt(db: Executor, keys: readonly string[], now: Date): Promise<Count[]> {
  // Sorted, so two attempts on the same counters lock them in the same order.
  const sorted = [...new Set(keys)].sort();
  const windowEndsAt = new Date(now.getTime() + LOGIN_LIMITS.windowSeconds * 1000).toISOString();
  const rows = await db.execute<{ key: string; count: number; window_ends_at: Date | string }>(sql`
    with expired as (
      -- Tidying others' lapsed counters never waits for a row another attempt holds: waiting there,
      -- in whatever order the rows come, let parallel attempts deadlock.
      delete from login_failures
      where key in (
        select key from login_failures
        where window_ends_at < ${now.toISOString()}::timestamptz and key <> all(${textArray(sorted)})
        for update skip locked
      )
    )
    insert into login_failures as f (key, count, window_ends_at)
    select k, 1, ${windowEndsAt}::timestamptz from unnest(${textArray(sorted)}) as k
    on conflict (key) do update set
      count = case when f.window_ends_at <= ${now.toISOString()}::timestamptz then 1 else f.count + 1 end,
      window_ends_at = case when f.window_ends_at <= ${now.toISOString()}::timestamptz
        then excluded.window_ends_at else f.window_ends_at end
    returning key, count, window_ends_at`);
  return rows.map((r) => ({ key: r.key, count: r.count, windowEndsAt: new Date(r.window_ends_at) }));
}

/** Gives back an attempt that was not a failure, to the window it was counted in. */
export async function uncountAttempt(db: Executor, counts: readonly Count[]): Promise<void> {
  if (!counts.length) return;
  // The rows are locked in key order, as countAttempt locks them: an UPDATE joined to the list would
  // lock them in whatever order its plan meets them, and two attempts could then deadlock.
  await db.execute(sql`
    with given as (
      select f.key from login_failures as f
      join unnest(${textArray(counts.map((c) => c.key))}, ${textArray(counts.map((c) => c.windowEndsAt.toISOString()))}::timestamptz[])
        as r(key, window_ends_at) on f.key = r.key and f.window_ends_at = r.window_ends_at
      order by f.key
      for update of f
    )
    update login_failures as f set count = greatest(f.count - 1, 0)
    from given where f.key = given.key`);
}
