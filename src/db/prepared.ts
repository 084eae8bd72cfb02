// Statements of the hot paths built once. drizzle builds a statement's text from its builder on
// every call (a fifth of the API's CPU under load), although the text of these never changes: only
// their parameters do. A statement here is built on first use with placeholders, then bound to
// whichever handle runs it (the pool or an open transaction) and executed with the call's values.
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import type { PgDialect, PgTable } from 'drizzle-orm/pg-core';
import type { Db, Executor } from './client.js';
import * as schema from './schema.js';

// Builds statements without a connection: the handle that runs one is given at each call.
const builder: Db = drizzle.mock({ schema });

export type Values = Record<string, unknown>;

interface Runnable<R> {
  execute(values?: Values): Promise<R>;
}

interface Session {
  client: unknown;
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string,
    arrayMode: boolean,
    mapper: (rows: unknown[][]) => unknown,
  ): Runnable<unknown>;
}

const sessionOf = (on: Executor | Db) => (on as unknown as { session: Session }).session;

/** Runs `query` on `on`'s connection (the pool, or the transaction it belongs to). */
function bind<R>(query: Runnable<R>, on: Executor): Runnable<R> {
  const bound = Object.create(query) as Runnable<R> & { client: unknown };
  bound.client = sessionOf(on).client;
  return bound;
}

/**
 * A drizzle query built once (with `sql.placeholder(name)` for what varies) and run on any handle:
 * `const byId = prepared('game_by_id', (db) => db.select().from(games).where(eq(games.id, sql.placeholder('id'))))`,
 * then `await byId(tx, { id })`.
 */
export function prepared<R>(
  name: string,
  build: (db: Db) => { prepare(name: string): Runnable<R> },
): (on: Executor, values?: Values) => Promise<R> {
  let query: Runnable<R> | undefined;
  return (on, values) => {
    query ??= build(builder).prepare(name);
    return bind(query, on).execute(values);
  };
}

/**
 * A hand-written statement (for what drizzle's builders cannot say, such as a data-modifying CTE)
 * built once, whose rows are `table`'s columns in table order followed by `extra` plain columns;
 * each row is mapped to the table's row type as drizzle maps its own, plus the extra values.
 */
export function preparedRows<T extends PgTable, X extends Record<string, unknown>>(
  name: string,
  table: T,
  extra: readonly (keyof X & string)[],
  build: () => SQL,
): (on: Executor, values?: Values) => Promise<Array<T['$inferSelect'] & X>> {
  const columns = Object.entries(getTableColumns(table));
  const map = (rows: unknown[][]) =>
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      columns.forEach(([key, column], i) => {
        const raw = row[i];
        out[key] = raw === null || raw === undefined ? null : column.mapFromDriverValue(raw);
      });
      extra.forEach((key, i) => (out[key] = row[columns.length + i]));
      return out;
    });
  let query: Runnable<Array<T['$inferSelect'] & X>> | undefined;
  return (on, values) => {
    if (!query) {
      const { dialect } = builder as unknown as { dialect: PgDialect };
      const text = dialect.sqlToQuery(build());
      query = sessionOf(builder).prepareQuery(text, undefined, name, true, map) as Runnable<
        Array<T['$inferSelect'] & X>
      >;
    }
    return bind(query, on).execute(values);
  };
}

/** `table`'s columns in table order, qualified by `alias`: the select list preparedRows expects. */
export function columnsOf(table: PgTable, alias: string): SQL {
  return sql.join(
    Object.values(getTableColumns(table)).map((c) => sql`${sql.identifier(alias)}.${sql.identifier(c.name)}`),
    sql`, `,
  );
}

/** A hand-written statement built once, answering its rows as Postgres names their columns. */
export function preparedSql<R extends Record<string, unknown>>(
  name: string,
  build: () => SQL,
): (on: Executor, values?: Values) => Promise<R[]> {
  let query: Runnable<R[]> | undefined;
  return (on, values) => {
    if (!query) {
      const { dialect } = builder as unknown as { dialect: PgDialect };
      const session = sessionOf(builder) as unknown as {
        prepareQuery(q: { sql: string; params: unknown[] }, f: undefined, n: string, a: boolean): Runnable<R[]>;
      };
      query = session.prepareQuery(dialect.sqlToQuery(build()), undefined, name, false);
    }
    return bind(query, on).execute(values);
  };
}
