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
  /** Sees the text of every statement sent (tests count queries with it). */
  onQuery?: (sql: string) => void;
}

function connect(url: string, max: number, onQuery?: (sql: string) => void) {
  // Notices (e.g. "relation already exists, skipping") are noise in our logs.
  return postgres(url, { max, onnotice: () => {}, connection: { application_name: 'mlb-game-server' }, debug: onQuery ? (_c, query) => onQuery(query) : false });
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
  const db = drizzle(primarySql, { schema });
  const read = readSql === primarySql ? db : drizzle(readSql, { schema });
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
