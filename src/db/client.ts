import { sql, type Column, type SQL } from 'drizzle-orm';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema.js';

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything a query can run on: the pool or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  /** The primary: writes, transactions, LISTEN and pg-boss. */
  readonly db: Db;
  /** Plain reads: the replica when one is configured, else the primary. */
  readonly read: Db;
  readonly primarySql: postgres.Sql;
  readonly primaryUrl: string;
  readonly hasReplica: boolean;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** Where reads go; also writes when no primaryUrl. */
  url: string;
  /** The primary when `url` is a read replica. */
  primaryUrl?: string;
  max?: number;
  /** Sees the text and parameters of every statement sent (tests count and compare queries with it). */
  onQuery?: OnQuery;
}

export type OnQuery = (sql: string, params: readonly unknown[]) => void;

function connect(url: string, max: number, onQuery?: OnQuery) {
  // Notices (e.g. "relation already exists, skipping") are noise in our logs.
  return postgres(url, {
    max,
    onnotice: () => {},
    connection: { application_name: 'mlb-game-server' },
    debug: onQuery ? (_c, query, params) => onQuery(query, params) : false,
  });
}

/**
 * drizzle asks postgres.js for unnamed statements, which cost a Describe round trip and a fresh
 * parse and plan on every call. Named (prepared) statements are parsed once per connection: half the
 * round trips and socket writes per query, which are most of a mutation's cost. The statement text
 * varies little (an IN list's length at most), so each connection keeps only a few hundred.
 */
function preparing<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'unsafe') {
        return (query: string, params?: unknown[], options?: object) =>
          (value as Function).call(target, query, params, { ...options, prepare: true });
      }
      if (prop === 'begin' || prop === 'savepoint') {
        return (...args: unknown[]) => {
          const fn = args.pop() as (sql: object) => unknown;
          return (value as Function).call(target, ...args, (sql: object) => fn(preparing(sql)));
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * `column = any($1)` for a list of ids: one statement text whatever the list's length. An IN list
 * would be a new prepared statement per length in every connection (batches vary from 1 to 100).
 */
export function inIds(column: Column | SQL.Aliased, ids: readonly number[]): SQL {
  return sql`${column} = any(${sql.param([...ids])}::int[])`;
}

/** Whether `err` is Postgres refusing a duplicate in the unique index or constraint `name`. */
export function isUniqueViolation(err: unknown, name: string): boolean {
  // drizzle wraps the driver's error; postgres.js names the index in constraint_name.
  const pg = (err instanceof Error && err.cause ? err.cause : err) as { code?: unknown; constraint_name?: unknown };
  return typeof pg === 'object' && pg !== null && pg.code === '23505' && pg.constraint_name === name;
}

/** The same server and credentials, another database. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export function openDatabase({ url, primaryUrl, max = 10, onQuery }: DatabaseOptions): Database {
  const primarySql = connect(primaryUrl ?? url, max, onQuery);
  const readSql = primaryUrl && primaryUrl !== url ? connect(url, max, onQuery) : primarySql;
  const db = drizzle(preparing(primarySql), { schema });
  const read = readSql === primarySql ? db : drizzle(preparing(readSql), { schema });
  return {
    db,
    read,
    primarySql,
    primaryUrl: primaryUrl ?? url,
    hasReplica: readSql !== primarySql,
    async close() {
      await Promise.all([primarySql.end({ timeout: 5 }), readSql === primarySql ? null : readSql.end({ timeout: 5 })]);
    },
  };
}
