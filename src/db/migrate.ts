import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { LOCKS } from './locks.js';

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** Applies pending migrations; safe to run from several processes at once and a no-op when current. */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${LOCKS.migration})`;
    await migrate(drizzle(sql), { migrationsFolder: MIGRATIONS_FOLDER });
    await sql`select pg_advisory_unlock(${LOCKS.migration})`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** How many migrations this build ships, for /readyz. */
export function shippedMigrationCount(): number {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8'));
  return journal.entries.length;
}

export async function appliedMigrationCount(sql: postgres.Sql): Promise<number> {
  const [row] = await sql`select count(*)::int as n from drizzle.__drizzle_migrations`;
  return Number(row?.n ?? 0);
}
