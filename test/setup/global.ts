// Once per test run: a Postgres server (DATABASE_URL's, or an embedded one) and a migrated
// template database that every test file copies into a database of its own.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { runMigrations } from '../../src/db/migrate.js';
import { startBoss } from '../../src/jobs/boss.js';
import { createLogger } from '../../src/log.js';
import { withDatabase } from '../../src/db/client.js';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDb: string;
  }
}

export default async function setup(project: TestProject) {
  const log = createLogger('warn');
  let adminUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-test-pg-'));
    const embedded = await startEmbeddedPostgres(dataDir, log);
    adminUrl = embedded.url;
    stopEmbedded = embedded.stop;
  }
  const templateDb = `mlb_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${templateDb}`);
  await admin.unsafe(`create database ${templateDb}`);
  const templateUrl = withDatabase(adminUrl, templateDb);
  await runMigrations(templateUrl);
  const boss = await startBoss({ url: templateUrl, log, supervise: false, max: 2 });
  await boss.stop({ graceful: false, close: true });
  project.provide('adminUrl', adminUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    // Leftover per-file databases (a crashed file) are dropped with the template.
    const rows = await admin`select datname from pg_database where datname like ${`t_${process.pid}_%`}`;
    for (const { datname } of rows) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.unsafe(`drop database if exists ${templateDb} with (force)`);
    await admin.end();
    if (stopEmbedded) await stopEmbedded();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
