// The embedded PostgreSQL on a bad day, through the real entry point: a server killed with -9 leaves
// its PostgreSQL running (orphaned, holding the lock file and the port), a lock file outlives its
// process, PostgreSQL refuses to start, or (as root) the `postgres` user cannot reach the binaries
// or the data. The next start recovers where it safely can, on the remembered port, and otherwise
// stops with PostgreSQL's own reason or one plain instruction.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { testEnv } from '../helpers/server.js';
import {
  loginAs,
  postGql,
  spawnServer,
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';

const root = path.resolve(import.meta.dirname, '../..');
const asRoot = process.getuid?.() === 0;
// A first start initialises the cluster; on a busy machine that and loading the app take a while.
const START_WITHIN_MS = 90_000;

function embeddedEnv(dataDir: string): Record<string, string> {
  const env = testEnv('', { LOG_LEVEL: 'info', DATA_DIR: dataDir });
  delete (env as Record<string, string | undefined>).DATABASE_URL;
  return env;
}

/** Running, not a zombie left for a parent to reap. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function postmasterPid(dataDir: string): number | undefined {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

/** The lines the server logged at error level or above. */
function errorLines(output: string): string[] {
  return output.split('\n').filter((l) => /"level":(50|60)/.test(l));
}

describe('embedded PostgreSQL after a crash', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-embedded-crash-'));
  const servers: ServerProcess[] = [];
  afterAll(async () => {
    for (const s of servers) await stopServerProcess(s);
    // Never leave a PostgreSQL behind, whatever happened above.
    const pid = postmasterPid(dataDir);
    if (pid && isRunning(pid)) {
      process.kill(pid, 'SIGQUIT');
      for (let i = 0; i < 100 && isRunning(pid); i++) await new Promise((r) => setTimeout(r, 50));
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  let port = '';

  it('after a kill -9 of the server, the next start stops the orphaned PostgreSQL and reuses its port and data', async () => {
    const first = await startServerProcess(embeddedEnv(dataDir), ['api'], START_WITHIN_MS);
    servers.push(first);
    port = readFileSync(path.join(dataDir, 'pg.port'), 'utf8');
    const created = await postGql<{ createShow: { id: string } }>(
      first.url,
      `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
      {
        i: {
          name: 'Before the crash',
          date: '2031-06-01',
          welcomeMessage: 'Hi',
          recallMessage: 'Come back',
          souvenirMessage: 'Souvenir: {url}',
        },
      },
      await loginAs(first.url, 'user'),
    );
    expect(created.errors).toBeUndefined();
    const orphan = postmasterPid(dataDir)!;
    expect(isRunning(orphan)).toBe(true);

    first.proc.kill('SIGKILL');
    await first.exited;
    // What a kill -9 leaves: PostgreSQL still running, with its lock file and port.
    expect(isRunning(orphan)).toBe(true);

    const second = await startServerProcess(embeddedEnv(dataDir), ['api'], START_WITHIN_MS);
    servers.push(second);
    expect(isRunning(orphan)).toBe(false);
    expect(readFileSync(path.join(dataDir, 'pg.port'), 'utf8')).toBe(port);
    expect(postmasterPid(dataDir)).not.toBe(orphan);
    expect(second.output()).toMatch(
      /"level":40.*"postmasterPid":\d+.*"msg":"stopping the embedded PostgreSQL a previous run/,
    );
    const shows = await postGql<{ shows: Array<{ name: string }> }>(second.url, `{ shows { name } }`);
    expect(shows.data?.shows).toContainEqual({ name: 'Before the crash' });
    await stopServerProcess(second);
  }, 200_000);

  it('a lock file naming a live process that is not our PostgreSQL is removed, and the port is kept', async () => {
    expect(postmasterPid(dataDir)).toBeUndefined();
    // This test's own process: alive, and not a PostgreSQL (a pid reused after a reboot looks like this).
    writeFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), `${process.pid}\n${path.join(dataDir, 'pg')}\n`);
    const third = await startServerProcess(embeddedEnv(dataDir), ['api'], START_WITHIN_MS);
    servers.push(third);
    expect(readFileSync(path.join(dataDir, 'pg.port'), 'utf8')).toBe(port);
    expect(postmasterPid(dataDir)).not.toBe(process.pid);
    expect(third.output()).toMatch(/"level":40.*"msg":"removing a stale PostgreSQL lock file"/);
    await stopServerProcess(third);
  }, 120_000);

  it('a data directory made by another PostgreSQL major stops with one message saying what to do', async () => {
    const other = mkdtempSync(path.join(os.tmpdir(), 'mlb-embedded-major-'));
    try {
      mkdirSync(path.join(other, 'pg'), { recursive: true });
      writeFileSync(path.join(other, 'pg', 'PG_VERSION'), '18\n');
      const failing = spawnServer(embeddedEnv(other), ['api']);
      const exit = await failing.exited;
      expect(exit.code, failing.output()).toBe(1);
      const errors = errorLines(failing.output());
      expect(errors, failing.output()).toHaveLength(1);
      expect(errors[0]).toContain('was made by PostgreSQL 18; this server embeds PostgreSQL 15');
      expect(errors[0]).toContain('Move that directory aside');
      expect(readFileSync(path.join(other, 'pg', 'PG_VERSION'), 'utf8')).toBe('18\n');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  }, 120_000);

  it("a PostgreSQL that will not start is reported with PostgreSQL's own reason, at error level", async () => {
    appendFileSync(path.join(dataDir, 'pg', 'postgresql.conf'), '\nshared_buffers = lots\n');
    const failing = spawnServer(embeddedEnv(dataDir), ['api']);
    const exit = await failing.exited;
    expect(exit.code, failing.output()).toBe(1);
    const errors = errorLines(failing.output());
    expect(errors, failing.output()).toHaveLength(1);
    expect(errors[0]).toContain('invalid value for parameter \\"shared_buffers\\": \\"lots\\"');
  }, 120_000);
});

// Root runs the embedded PostgreSQL as the `postgres` user, which must be able to enter every
// directory down to the binaries and the data: not so under root's own 0700 home.
describe.skipIf(!asRoot)('embedded PostgreSQL as root, from a directory the postgres user cannot enter', () => {
  const privateDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-private-')); // 0700, root's
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-embedded-root-'));
  afterAll(() => {
    rmSync(privateDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  function expectOneClearMessage(output: string, blocked: string) {
    const errors = errorLines(output);
    expect(errors, output).toHaveLength(1);
    expect(errors[0]).toContain(`cannot enter ${blocked}`);
    expect(errors[0]).toContain('DATABASE_URL');
    expect(output).not.toMatch(/EACCES|node:internal|\n\s+at /);
  }

  it('a checkout there stops with one message saying what to do', async () => {
    // A copy of this checkout inside the private directory (hard links: quick, and nothing changes here).
    const checkout = path.join(privateDir, 'checkout');
    mkdirSync(checkout);
    for (const entry of ['package.json', 'tsconfig.json', 'src', 'workers', 'drizzle', 'node_modules']) {
      execFileSync('cp', ['-al', path.join(root, entry), checkout]);
    }
    const run = spawnServer(embeddedEnv(dataDir), ['api'], checkout);
    const exit = await run.exited;
    expect(exit.code, run.output()).toBe(1);
    expectOneClearMessage(run.output(), privateDir);
  }, 120_000);

  it('a DATA_DIR there stops with one message saying what to do', async () => {
    const run = spawnServer(embeddedEnv(path.join(privateDir, 'data')), ['api']);
    const exit = await run.exited;
    expect(exit.code, run.output()).toBe(1);
    expectOneClearMessage(run.output(), privateDir);
  }, 120_000);
});
