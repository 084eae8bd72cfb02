// The two contexts every part of the server is handed. The AppContext is built once per process
// in src/app.ts and holds every shared resource; nothing else keeps process-wide state. A
// CallContext is one operation (a GraphQL request, a job, a route): who acts, its logger and
// where it reads and writes. Services take a CallContext, so a resolver passes its own context
// straight through.
import type { PgBoss } from 'pg-boss';
import type { Config } from './config.js';
import type { Database, Db, Executor, Tx } from './db/client.js';
import { SYSTEM_ACTOR } from './domain/roles.js';
import type { LightingController } from './lighting/controller.js';
import type { LiveHub } from './live/hub.js';
import type { Logger } from './log.js';
import type { SmsSender } from './sms/sender.js';
import type { RenderPool } from './souvenir/render-pool.js';
import type { Storage } from './storage/storage.js';

export interface AppContext {
  readonly config: Config;
  readonly database: Database;
  readonly boss: PgBoss;
  readonly log: Logger;
  /** The time; tests move it to control recall windows without sleeping. */
  readonly now: () => Date;
  /** Souvenirs and photos (disk or S3): one client and its sockets per process. */
  readonly storage: Storage;
  /** The SMS provider the sms worker hands messages to (Twilio, or the log in development). */
  readonly sms: SmsSender;
  /** Threads that render souvenirs (RENDER_THREADS), started on first use. */
  readonly renders: RenderPool;
  /** The live side (LISTEN, topics, shared subscriptions); only in processes that serve the API. */
  live?: LiveHub;
  /** The booth's lights (DMX_PATH, ARTNET_HOST), in the API process that owns them; absent when off. */
  lighting?: LightingController;
}

export interface CallContext {
  readonly app: AppContext;
  /** Account username, or 'system' for automatic work such as auto-recall; recorded on each game event. */
  readonly actor: string;
  readonly log: Logger;
  readonly now: () => Date;
  /** Writes and transactions: the primary, or an open transaction (a service's transaction then nests as a savepoint). */
  readonly db: Executor;
  /** Plain reads: the replica when one is configured and the call is not a mutation, else the primary. */
  readonly read: Db;
}

export function createAppContext(parts: Omit<AppContext, 'live' | 'lighting'>): AppContext {
  return { ...parts };
}

/** A call made by the system itself (jobs, the periodic recall) or on behalf of `actor`. */
export function callContext(
  app: AppContext,
  actor: string | null | undefined = SYSTEM_ACTOR,
  log = app.log,
): CallContext {
  return {
    app,
    actor: actor ?? SYSTEM_ACTOR,
    log,
    now: app.now,
    db: app.database.db,
    read: app.database.read,
  };
}

/** The same call on an open transaction: what it runs nests in that transaction. */
export function withExecutor(call: CallContext, db: Executor): CallContext {
  return { ...call, db };
}

/** The live hub of an API process; an error where none runs (a worker-only process). */
export function liveOf(app: AppContext): LiveHub {
  if (!app.live) throw new Error('Live updates are not running in this process (no API server started)');
  return app.live;
}

/** Runs `fn` in one transaction on the call's handle (nested in the caller's transaction when there is one). */
export function inTransaction<T>(call: CallContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return (call.db as Db).transaction(fn);
}
