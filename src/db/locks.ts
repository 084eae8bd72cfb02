// Every advisory lock of the server, in one place so no two uses ever share a key by accident.
// Transaction-scoped locks take two keys: the lock's own, and the id of what it guards (0 for a
// lock over the whole table). bench/pgbench/lifecycle.sql takes the same keys.
import { sql } from 'drizzle-orm';
import type { Tx } from './client.js';
import { preparedSql } from './prepared.js';

export const LOCKS = {
  /** Auto-recall of one show (second key: the show id), so concurrent passes never overfill its window. */
  recall: 7301,
  /** Team assignment (second key 0), so simultaneous confirms keep the teams balanced. */
  team: 7302,
  /** Identical sign-ups (second key: a hash of show, names and number), so a double tap makes one player. */
  signUp: 7303,
  /** Account changes (second key 0), so two admins disabling each other cannot leave no enabled ADMIN. */
  accounts: 7304,
  /** Migrations, a session lock: any constant, the same in every process that migrates a database. */
  migration: 72_517_001,
} as const;

export type TransactionLock = Exclude<keyof typeof LOCKS, 'migration'>;

const take = preparedSql(
  'advisory_lock',
  () => sql`select pg_advisory_xact_lock(${sql.placeholder('key')}, ${sql.placeholder('id')})`,
);
const tryTake = preparedSql<{ locked: boolean }>(
  'advisory_try_lock',
  () => sql`select pg_try_advisory_xact_lock(${sql.placeholder('key')}, ${sql.placeholder('id')}) as locked`,
);

/** Waits for the lock; it is released when the transaction ends. */
export async function lock(tx: Tx, name: TransactionLock, id = 0): Promise<void> {
  await take(tx, { key: LOCKS[name], id });
}

/** Takes the lock only if it is free; false when another transaction holds it. */
export async function tryLock(tx: Tx, name: TransactionLock, id = 0): Promise<boolean> {
  const [row] = await tryTake(tx, { key: LOCKS[name], id });
  return Boolean(row?.locked);
}
