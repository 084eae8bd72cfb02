import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { appliedMigrationCount, runMigrations, shippedMigrationCount } from '../../src/db/migrate.js';
import { createTestDatabase } from '../helpers/db.js';

const db = await createTestDatabase();
const sql = postgres(db.url, { max: 1, onnotice: () => {} });
afterAll(async () => {
  await sql.end();
  await db.drop();
});

describe('migrations', () => {
  it('are all applied, and running them again (even from three processes at once) changes nothing', async () => {
    const tables = async () =>
      (await sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`).map(
        (r) => r.table_name,
      );
    const before = await tables();
    expect(await appliedMigrationCount(sql)).toBe(shippedMigrationCount());
    await Promise.all([runMigrations(db.url), runMigrations(db.url), runMigrations(db.url)]);
    await runMigrations(db.url);
    expect(await appliedMigrationCount(sql)).toBe(shippedMigrationCount());
    expect(await tables()).toEqual(before);
    expect(before).toEqual(
      expect.arrayContaining([
        'accounts',
        'shows',
        'teams',
        'players',
        'games',
        'game_events',
        'messages',
        'short_links',
      ]),
    );
  });
});
