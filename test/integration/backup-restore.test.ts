// compose/backup/backup.sh and restore.sh for real, with the PostgreSQL 15 client tools the backup
// image ships: a database with a live queue is dumped, old backups are pruned, the newest one is
// restored into a fresh database, and a server on it answers `queue` exactly as before.
import { execFile, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase, hasPg15, libpqEnv, startPrimary, type Cluster } from '../helpers/pg-cluster.js';
import { seedShow } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const script = (name: string) => path.join(root, 'compose/backup', name);
if (!hasPg15)
  console.warn('backup-restore.test: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin; skipped');
const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasPg15 && !hasAws)
  console.warn('backup-restore.test: no AWS CLI; the S3 round trip is skipped (the local-directory one still runs)');

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { activeGame { id } } }`;
const QUEUE = `query($showId: ID) { queue(showId: $showId) {
  version activeRecalls recallWindowSize show { id name }
  waiting { position estimatedWaitSeconds game { id state queuedAt player { firstName } } }
  confirmed { id state } recalled { id state } playing { id state } } }`;

describe.skipIf(!hasPg15)('backup and restore', () => {
  let cluster: Cluster;
  let target: string;
  const stopLater: TestServer[] = [];
  // One clock for both servers: wait estimates depend on "now".
  const fixed = new Date();
  const now = () => fixed;

  beforeAll(async () => {
    cluster = await startPrimary();
    target = mkdtempSync(path.join(os.tmpdir(), 'mlb-backups-'));
  }, 60_000);
  afterAll(async () => {
    for (const s of stopLater) await s.stop();
    await cluster?.stop();
    rmSync(target, { recursive: true, force: true });
  });

  const serverOn = async (database: string) => {
    const server = await startTestServer({
      database: { url: cluster.url(database), name: database, drop: async () => {} },
      worker: false,
      now,
    });
    stopLater.push(server);
    return server;
  };
  const backupEnv = (extra: Record<string, string> = {}) => ({
    ...libpqEnv(cluster, 'mlb'),
    BACKUP_TARGET: target,
    BACKUP_NAME: 'nuc',
    BACKUP_RETENTION_DAYS: '30',
    ...extra,
  });

  it('a restored backup serves the same queue', async () => {
    await createDatabase(cluster, 'mlb');
    const live = await serverOn('mlb');
    const show = await seedShow(live);
    const tablet = await live.token('TABLET');
    const games: string[] = [];
    for (const [firstName, mobileNumber] of [
      ['Ada', '+12025550101'],
      ['Grace', undefined],
      ['Edsger', '+12025550102'],
      ['Barbara', undefined],
    ] as const) {
      const r = await live.gql(
        SIGN_UP,
        { input: { firstName, handedness: 'RIGHT', showId: String(show.id), mobileNumber } },
        tablet,
      );
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      games.push(r.data.signUp.activeGame.id);
    }
    for (const id of games.slice(0, 3))
      expect(
        (await live.gql(`mutation($id: ID!) { queueGame(id: $id) { state } }`, { id }, tablet)).errors,
      ).toBeUndefined();
    expect(
      (await live.gql(`mutation($id: ID!) { confirmGame(id: $id) { state } }`, { id: games[3] }, tablet)).errors,
    ).toBeUndefined();
    const before = await live.gql(QUEUE, { showId: String(show.id) });
    expect(before.errors).toBeUndefined();
    expect(before.data.queue.waiting).toHaveLength(3);
    expect(before.data.queue.confirmed).toHaveLength(1);

    // Retention: a backup older than 30 days goes, a recent one and unrelated files stay.
    writeFileSync(path.join(target, 'nuc-20000101T000000Z.dump'), 'old');
    const recent = `nuc-${new Date(Date.now() - 86_400_000).toISOString().replace(/[-:]|\.\d+/g, '')}.dump`;
    writeFileSync(path.join(target, recent), 'recent');
    writeFileSync(path.join(target, 'notes.txt'), 'keep me');
    const backup = await run('bash', [script('backup.sh')], { env: backupEnv() });
    expect(backup.stdout).toMatch(/stored .*\/nuc-\d{8}T\d{6}Z\.dump \(\d+ bytes\)/);
    expect(backup.stdout).toMatch(/removed 1 backup\(s\) older than 30 days/);
    const files = readdirSync(target).sort();
    expect(files).toHaveLength(3);
    expect(files).toContain(recent);
    expect(files).toContain('notes.txt');
    expect(files).not.toContain('nuc-20000101T000000Z.dump');

    // The pruned fake is gone; "latest" is the real dump (sorts after yesterday's).
    const restore = await run('bash', [script('restore.sh'), 'latest', 'mlb_restored'], { env: backupEnv() });
    expect(restore.stdout).toMatch(/restored in \d+ s/);

    const restored = await serverOn('mlb_restored');
    const after = await restored.gql(QUEUE, { showId: String(show.id) });
    expect(after).toEqual(before);
    // Accounts and the job queue came back too: the device passwords still work, the welcome texts wait.
    await expect(restored.token('TABLET')).resolves.toEqual(expect.any(String));
    const sql = postgres(cluster.url('mlb_restored'), { max: 1, onnotice: () => {} });
    try {
      const { n } = (await sql`select count(*)::int as n from pgboss.job where name = 'sms' and state = 'created'`)[0]!;
      expect(n).toBe(2);
    } finally {
      await sql.end();
    }
  });

  it('restore refuses a database that already holds data, and a dump that is not one', async () => {
    const again = run('bash', [script('restore.sh'), 'latest', 'mlb_restored'], { env: backupEnv() });
    await expect(again).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/already holds \d+ tables: restore into a new database/),
    });

    const junk = path.join(target, 'junk.dump');
    writeFileSync(junk, 'not a dump');
    await expect(run('bash', [script('restore.sh'), junk, 'mlb_other'], { env: backupEnv() })).rejects.toMatchObject({
      code: 1,
    });
    const sql = postgres(cluster.url(), { max: 1, onnotice: () => {} });
    try {
      expect(await sql`select 1 from pg_database where datname = 'mlb_other'`).toHaveLength(0);
    } finally {
      await sql.end();
    }
  });

  it('a failed dump stores nothing and removes nothing', async () => {
    const before = readdirSync(target).sort();
    const failed = run('bash', [script('backup.sh')], {
      env: backupEnv({ PGDATABASE: 'no_such_database', BACKUP_RETENTION_DAYS: '0' }),
    });
    await expect(failed).rejects.toMatchObject({ code: 1 });
    expect(readdirSync(target).sort()).toEqual(before);
  });

  it.skipIf(!hasAws)('backs up to and restores from S3 (an S3-compatible server on 127.0.0.1)', async () => {
    const S3rver = createRequire(import.meta.url)('s3rver') as new (o: Record<string, unknown>) => {
      run(): Promise<{ port: number }>;
      close(): Promise<void>;
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlb-s3-backups-'));
    const s3 = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'backups' }],
    });
    const { port } = await s3.run();
    try {
      const env = {
        ...process.env,
        ...backupEnv(),
        BACKUP_TARGET: 's3://backups/nuc',
        S3_ENDPOINT: `http://127.0.0.1:${port}`,
        AWS_ACCESS_KEY_ID: 'S3RVER',
        AWS_SECRET_ACCESS_KEY: 'S3RVER',
        AWS_REGION: 'us-east-1',
      };
      const backup = await run('bash', [script('backup.sh')], { env });
      expect(backup.stdout).toMatch(/stored s3:\/\/backups\/nuc\/nuc-\d{8}T\d{6}Z\.dump/);
      const restore = await run('bash', [script('restore.sh'), 'latest', 'mlb_from_s3'], { env });
      expect(restore.stdout).toMatch(/restoring s3:\/\/backups\/nuc\/nuc-.*\.dump into mlb_from_s3/);
      const sql = postgres(cluster.url('mlb_from_s3'), { max: 1, onnotice: () => {} });
      try {
        const rows = await sql`select state::text, count(*)::int as n from games group by state order by state`;
        expect(rows).toEqual([
          { state: 'CONFIRMED', n: 1 },
          { state: 'QUEUED', n: 3 },
        ]);
      } finally {
        await sql.end();
      }
    } finally {
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
