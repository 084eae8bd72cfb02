// What every write service is handed: the database handle it opens its transaction on, the job
// queue for the outbox, settings, the clock and who is acting (recorded on each game event).
import type { PgBoss } from 'pg-boss';
import type { Config } from '../config.js';
import type { Db, Executor, Tx } from '../db/client.js';
import type { Deps } from '../deps.js';
import { NotFoundError } from '../domain/errors.js';
import { toId } from '../domain/ids.js';

export interface Writer {
  /** The primary, or an open transaction (the service's transaction then becomes a savepoint of it). */
  readonly db: Executor;
  readonly boss: PgBoss;
  readonly config: Config;
  readonly now: () => Date;
  /** Account username, or 'system' for automatic work such as auto-recall. */
  readonly actor: string;
}

export const SYSTEM_ACTOR = 'system';

export function writerFor(deps: Deps, actor: string | null | undefined): Writer {
  return { db: deps.database.db, boss: deps.boss, config: deps.config, now: deps.now, actor: actor ?? SYSTEM_ACTOR };
}

/** Runs `fn` in one transaction on the writer's handle. */
export function inTransaction<T>(w: Writer, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return (w.db as Db).transaction(fn);
}

/** The id of a row a mutation acts on: one that cannot exist is simply not found. */
export function parseId(entity: string, raw: string | number): number {
  const id = toId(raw);
  if (id === null) throw new NotFoundError(entity, raw);
  return id;
}
