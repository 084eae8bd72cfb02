// Throw-away PostgreSQL 15 clusters from the Debian binaries (the version the compose files run):
// a primary, a streaming replica cloned from it with pg_basebackup -R, and the client tools.
// As root, everything runs as the `postgres` OS user (initdb refuses root).
// Clusters start with fsync and synchronous_commit off, for speed; a test that cuts the power passes
// `synchronous_commit=on` (later settings win). fsync may stay off there: a killed process loses
// nothing it wrote, only the kernel's crash would.
import { execFile, execFileSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { freePort } from '../../src/db/embedded.js';

const run = promisify(execFile);
export const PG15_BIN = '/usr/lib/postgresql/15/bin';
export const hasPg15 = ['initdb', 'pg_ctl', 'postgres', 'pg_basebackup', 'pg_dump', 'pg_restore', 'psql'].every((b) =>
  existsSync(path.join(PG15_BIN, b)),
);
const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL 15 tool (as the postgres user when we are root). */
export async function pgTool(tool: string, args: string[], env: Record<string, string> = {}) {
  const bin = path.join(PG15_BIN, tool);
  const [cmd, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin, ...args]]
    : [bin, args];
  try {
    return await run(cmd, argv, { env: { ...process.env, ...env }, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as Error & { stderr?: string; stdout?: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`, {
      cause: err,
    });
  }
}

export interface Cluster {
  readonly port: number;
  readonly dir: string;
  readonly dataDir: string;
  /** Superuser URL of a database on this cluster. */
  url(database?: string): string;
  stop(): Promise<void>;
  /** Power loss: SIGKILL to the postmaster and every backend at once; resolves once none runs any more. */
  kill(): Promise<void>;
  /** Starts the cluster again with the settings it had (after kill(): crash recovery). */
  start(): Promise<void>;
}

const SUPERUSER_PASSWORD = 'cluster-test-password';

/** A workspace owned by the postgres user, removed by the cluster's stop(). */
function workspace(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  if (asRoot) chownSync(dir, ...postgresIds());
  return dir;
}

let ids: [number, number] | undefined;
function postgresIds(): [number, number] {
  ids ??= [
    Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  ];
  return ids;
}

async function startServer(dataDir: string, dir: string, port: number, settings: string[]): Promise<void> {
  const opts = [
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    `unix_socket_directories=${dir}`,
    '-c',
    'fsync=off',
    '-c',
    'synchronous_commit=off',
    ...settings.flatMap((s) => ['-c', s]),
  ];
  await pgTool('pg_ctl', [
    '-D',
    dataDir,
    '-l',
    path.join(dir, 'server.log'),
    '-o',
    opts.join(' '),
    '-w',
    '-t',
    '60',
    'start',
  ]);
}

/** Processes by /proc: pid, state and parent. */
function processes(): Array<{ pid: number; state: string; ppid: number }> {
  const found: Array<{ pid: number; state: string; ppid: number }> = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // pid (comm) state ppid …; comm may hold spaces and parentheses.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    found.push({ pid: Number(entry), state: state!, ppid: Number(ppid) });
  }
  return found;
}

function cluster(dir: string, dataDir: string, port: number, settings: string[]): Cluster {
  return {
    port,
    dir,
    dataDir,
    url: (database = 'postgres') => `postgres://postgres:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/${database}`,
    async stop() {
      await pgTool('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
    async kill() {
      const pidFile = path.join(dataDir, 'postmaster.pid');
      const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
      // Every backend is a session of its own (PostgreSQL's children call setsid()), so each gets
      // its own SIGKILL; the postmaster first, so that it cannot react to the others' deaths.
      const children = processes().filter((p) => p.ppid === postmaster);
      process.kill(postmaster, 'SIGKILL');
      for (const child of children) process.kill(child.pid, 'SIGKILL');
      const victims = new Set([postmaster, ...children.map((p) => p.pid)]);
      const running = () => processes().filter((p) => victims.has(p.pid) && p.state !== 'Z');
      for (let i = 0; running().length > 0; i++) {
        if (i > 200) throw new Error(`PostgreSQL processes ${running().map((p) => p.pid)} survived SIGKILL`);
        await new Promise((r) => setTimeout(r, 25));
      }
      // The dead postmaster is reparented to init, which may reap it late; until then its pid looks
      // alive and its lock files would stop the next start. After a real power cut no pid is alive,
      // which is what removing the files leaves.
      if (processes().some((p) => p.pid === postmaster)) {
        rmSync(pidFile, { force: true });
        rmSync(path.join(dir, `.s.PGSQL.${port}.lock`), { force: true });
      }
    },
    start: () => startServer(dataDir, dir, port, settings),
  };
}

/**
 * A primary ready to stream (wal_level=replica), with password authentication over TCP as on the nuc;
 * `settings` (name=value) come after the defaults and so win over them.
 */
export async function startPrimary(settings: string[] = []): Promise<Cluster> {
  const dir = workspace('mlb-pg15-primary-');
  const dataDir = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pw');
  writeFileSync(pwfile, SUPERUSER_PASSWORD);
  if (asRoot) chownSync(pwfile, ...postgresIds());
  await pgTool('initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    `--pwfile=${pwfile}`,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const port = await freePort();
  const all = ['wal_level=replica', 'max_wal_senders=5', 'max_replication_slots=5', 'max_connections=100', ...settings];
  await startServer(dataDir, dir, port, all);
  return cluster(dir, dataDir, port, all);
}

/** A hot standby cloned from `primary` by pg_basebackup -R, streaming from then on. */
export async function startReplica(
  primary: Cluster,
  auth: { user: string; password: string; slot?: string },
): Promise<Cluster> {
  const dir = workspace('mlb-pg15-replica-');
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  if (asRoot) chownSync(dataDir, ...postgresIds());
  await pgTool(
    'pg_basebackup',
    [
      '-h',
      '127.0.0.1',
      '-p',
      String(primary.port),
      '-U',
      auth.user,
      '-D',
      dataDir,
      '-R',
      '-X',
      'stream',
      '--checkpoint=fast',
      ...(auth.slot ? ['-S', auth.slot] : []),
    ],
    { PGPASSWORD: auth.password },
  );
  const port = await freePort();
  const settings = ['hot_standby=on', 'max_connections=100'];
  await startServer(dataDir, dir, port, settings);
  return cluster(dir, dataDir, port, settings);
}

/** Creates a database on a cluster. */
export async function createDatabase(c: Cluster, name: string): Promise<string> {
  const sql = postgres(c.url(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`create database ${name}`);
  } finally {
    await sql.end();
  }
  return c.url(name);
}

/** libpq settings that reach a cluster as its superuser (for scripts such as compose/backup/*.sh). */
export function libpqEnv(c: Cluster, database = 'postgres'): Record<string, string> {
  return {
    PGHOST: '127.0.0.1',
    PGPORT: String(c.port),
    PGUSER: 'postgres',
    PGPASSWORD: SUPERUSER_PASSWORD,
    PGDATABASE: database,
    PATH: `${PG15_BIN}:${process.env.PATH}`,
  };
}
