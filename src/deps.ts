import type { PgBoss } from 'pg-boss';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Logger } from './log.js';

/** What services, resolvers, routes and workers are handed; built once in src/app.ts. */
export interface Deps {
  readonly config: Config;
  readonly database: Database;
  readonly boss: PgBoss;
  readonly log: Logger;
  /** The time; tests move it to control recall windows without sleeping. */
  readonly now: () => Date;
}
