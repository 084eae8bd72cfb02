// src/db/client.ts makes drizzle's statements named (prepared) ones, parsed once per connection:
// drizzle asks postgres.js for unnamed statements, so an upgrade of either that bypasses the
// wrapper would silently double the round trips of every query. Postgres lists a connection's
// named statements in pg_prepared_statements; unnamed ones never appear there.
import { eq, sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Executor } from '../../src/db/client.js';
import { shows } from '../../src/db/schema.js';
import { MAX_PREPARED, PreparingClient, preparable, statementName } from '../../src/jobs/boss-client.js';
import { startBoss } from '../../src/jobs/boss.js';
import { smsJob } from '../../src/jobs/registry.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase } from '../helpers/db.js';

const scratch = await createTestDatabase();
// One connection, so the statements listed are those of the connection that ran the queries.
const database = openDatabase({ url: scratch.url, max: 1 });
afterAll(async () => {
  await database.close();
  await scratch.drop();
});

type Prepared = { statement: string; from_sql: boolean };

describe('prepared statements', () => {
  it('are named on the pool, in transactions and in savepoints, and reused', async () => {
    const byId = (db: Executor, id: number) => db.select({ id: shows.id }).from(shows).where(eq(shows.id, id));
    await byId(database.db, 1);
    await byId(database.db, 2);
    await database.db.transaction(async (tx) => {
      await tx.select({ name: shows.name }).from(shows).limit(1);
      await tx.transaction(async (sp) => {
        await sp.select({ date: shows.date }).from(shows).limit(1);
      });
    });
    const listed = (await database.db.execute<Prepared>(
      sql`select statement, from_sql from pg_prepared_statements`,
    )) as unknown as Prepared[];
    const texts = listed.filter((p) => !p.from_sql).map((p) => p.statement);
    const count = (needle: string) => texts.filter((t) => t.includes(needle)).length;
    expect(count('select "id" from "shows" where "shows"."id" = $1')).toBe(1); // two calls, one statement
    expect(count('select "name" from "shows"')).toBe(1);
    expect(count('select "date" from "shows"')).toBe(1);
  });
});

// src/jobs/boss-client.ts does the same for pg-boss, whose own driver sends every statement unnamed.
describe("pg-boss's statements", () => {
  it('are named once their text is one statement; its schema scripts run as before', async () => {
    const boss = await startBoss({ url: scratch.url, log: createLogger('silent'), supervise: false, max: 1 });
    try {
      await smsJob.send(boss, { messageId: 1 });
      expect(await boss.fetch('sms')).toHaveLength(1);
      expect(await boss.fetch('sms')).toHaveLength(0);
      // The pool has one connection: this runs where the fetches ran.
      const { rows } = await boss
        .getDb()
        .executeSql('select name, statement from pg_prepared_statements where not from_sql');
      const listed = rows as Array<{ name: string; statement: string }>;
      const fetches = listed.filter(
        (p) => p.statement.includes("j.name = 'sms'") && p.statement.includes('SKIP LOCKED'),
      );
      expect(fetches).toHaveLength(1); // two fetches, one statement
      expect(fetches[0]!.name).toBe(statementName(fetches[0]!.statement));
    } finally {
      await boss.stop({ graceful: false, close: true });
    }
  });

  it('stops naming new texts past the cap, so texts that embed values cannot pile up', async () => {
    const client = new PreparingClient(scratch.url);
    await client.connect();
    try {
      for (let n = 0; n < MAX_PREPARED + 5; n++) await client.query(`select ${n} as n`);
      const { rows } = await client.query('select count(*)::int as named from pg_prepared_statements');
      expect(rows[0].named).toBe(MAX_PREPARED);
    } finally {
      await client.end();
    }
  });

  it('tells one statement from a script', () => {
    expect(preparable('SELECT 1')).toBe(true);
    expect(preparable('SELECT 1;\n')).toBe(true);
    expect(preparable("SELECT ';' || 'a;b', $1 -- one; not two\n")).toBe(true);
    expect(preparable('BEGIN; SET LOCAL lock_timeout = 1; SELECT 1; COMMIT')).toBe(false);
    expect(preparable('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql')).toBe(false);
  });
});
