// Database and server plumbing for benchmarks: every bench gets a database of its own on one
// Postgres (DATABASE_URL's server, or one embedded cluster per run), and the real server runs
// in a child process so the load generator does not share its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { freePort, startEmbeddedPostgres } from '../src/db/embedded.js';
import { runMigrations } from '../src/db/migrate.js';
import { startBoss } from '../src/jobs/boss.js';
import { createLogger } from '../src/log.js';
import { createDatabase, type ScratchDatabase } from '../src/db/admin.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BENCH_PASSWORDS = {
  ADMIN: 'bench-admin-password',
  TABLET: 'bench-tablet-password',
  VR_GAME: 'bench-vrgame-password',
} as const;
const USERNAMES = { ADMIN: 'user', TABLET: 'mlbtablet', VR_GAME: 'mlbvrgame' } as const;
export type BenchRole = keyof typeof BENCH_PASSWORDS;

const log = createLogger(process.env.BENCH_LOG_LEVEL ?? 'warn');

interface Cluster {
  adminUrl: string;
  embedded: boolean;
  /** The embedded cluster's directory (its data lives in `pg/`). */
  dataDir?: string;
  stop(): Promise<void>;
}
let cluster: Promise<Cluster> | undefined;

/** The Postgres server every bench database lives on; started once per run when embedded. */
export function benchPostgres(): Promise<Cluster> {
  cluster ??= (async () => {
    // bench/run.ts starts the cluster once and hands it to each section as DATABASE_URL.
    if (process.env.DATABASE_URL)
      return {
        adminUrl: process.env.DATABASE_URL,
        embedded: false,
        dataDir: process.env.BENCH_PG_DATA_DIR,
        stop: async () => {},
      };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mlb-bench-pg-'));
    const started = Date.now();
    const pg = await startEmbeddedPostgres(dir, log);
    console.error(`[bench] embedded Postgres ready in ${Date.now() - started} ms`);
    return {
      adminUrl: pg.url,
      embedded: true,
      dataDir: dir,
      async stop() {
        await pg.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  })();
  return cluster;
}

/**
 * Writes a checkpoint before a measured row, so that no row starts with one under way and each
 * starts with the same full-page-write state. A server the bench may not checkpoint (not a
 * superuser) is measured as it is.
 */
export async function checkpoint(): Promise<void> {
  const sql = postgres((await benchPostgres()).adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`checkpoint`;
  } catch {
    // measured as it is
  } finally {
    await sql.end();
  }
}

/** Stops the embedded cluster (if one was started); bench/run.ts calls it once at the end. */
export async function stopBenchPostgres(): Promise<void> {
  if (!cluster) return;
  const c = await cluster.catch(() => undefined);
  cluster = undefined;
  await c?.stop();
}

export type BenchDatabase = ScratchDatabase;

export interface BenchDatabaseOptions {
  /** Apply the migrations and create pg-boss's schema and queues (default true). */
  migrate?: boolean;
  /** Insert a show dated today and two teams, as a fresh development server would (default true). */
  seed?: boolean;
}

/** A fresh database `bench_<label>_<random>` on the bench server; drop it when done. */
export async function createBenchDatabase(label: string, opts: BenchDatabaseOptions = {}): Promise<BenchDatabase> {
  const { adminUrl } = await benchPostgres();
  const name = `bench_${label.replace(/\W+/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const database = await createDatabase(adminUrl, name);
  if (opts.migrate ?? true) {
    await runMigrations(database.url);
    const boss = await startBoss({ url: database.url, log, supervise: false, max: 2 });
    await boss.stop({ graceful: false, close: true });
  }
  if (opts.seed ?? true) await seedBenchData(database.url);
  return database;
}

async function seedBenchData(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`insert into shows (name, date, welcome_message, recall_message, souvenir_message) values (
      'Bench Derby', current_date,
      'Hi {firstName}, you are in the queue for Bench Derby. We will text you when it is nearly your turn.',
      'Hi {firstName}, it is nearly your turn! Please come to the batting cage now.',
      'Great swings, {firstName}! Your souvenir: {url}')`;
    await sql`insert into teams (name, color) values ('Red Sox', '#BD3039'), ('Blue Jays', '#134A8E') on conflict do nothing`;
  } finally {
    await sql.end();
  }
}

/** The settings a bench server runs with: production mode, quiet logs, known passwords. */
export function benchEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    SECRET_KEY: 'bench-secret-key-that-is-long-enough-0123456789',
    ADMIN_PASSWORD: BENCH_PASSWORDS.ADMIN,
    TABLET_PASSWORD: BENCH_PASSWORDS.TABLET,
    VR_GAME_PASSWORD: BENCH_PASSWORDS.VR_GAME,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    TZ: 'UTC',
    // One process unless a bench asks for more (production would take one per core).
    API_PROCESSES: '1',
    ...extra,
  };
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, any> }>;
}

export async function gqlRequest<T = any>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<GqlResult<T>> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlResult<T>;
  return { status: res.status, data: body.data, errors: body.errors };
}

export interface BenchServer {
  url: string;
  /** Where the server's Prometheus metrics are served (a port of their own, METRICS_PORT). */
  metricsUrl: string;
  database: BenchDatabase;
  /** The server's process id, to read its CPU time from /proc. */
  pid: number;
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GqlResult<T>>;
  token(role: BenchRole): Promise<string>;
  /** CPU seconds (user + system) the server process and its children (API processes) have used so far. */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

export interface BenchServerOptions {
  label: string;
  /** `api` (default: HTTP only, jobs pile up in pg-boss), `worker` or `all`. */
  role?: 'api' | 'worker' | 'all';
  env?: Record<string, string>;
  /** Write a V8 CPU profile of the server into this directory when it stops. */
  cpuProfDir?: string;
  /** Use this database instead of creating (and dropping) one. */
  database?: BenchDatabase;
}

// A section that crashes must not leave its server running.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `src/main.ts` in a child process on a database of its own and waits until it answers. */
export async function startBenchServer(opts: BenchServerOptions): Promise<BenchServer> {
  const database = opts.database ?? (await createBenchDatabase(opts.label));
  const port = await freePort();
  const metricsPort = await freePort();
  const role = opts.role ?? 'api';
  // The same flags as `npm start` and the image (see Dockerfile).
  const nodeArgs = ['--max-semi-space-size=16', '--import', 'tsx'];
  if (opts.cpuProfDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  // Souvenirs and photos a bench makes are kept on local disk for the server's life only.
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-bench-data-'));
  const env = {
    ...benchEnv(database.url, {
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      DATA_DIR: dataDir,
      ...opts.env,
    }),
  };
  const child = spawn(process.execPath, [...nodeArgs, 'src/main.ts', role], {
    cwd: ROOT,
    // Only the PATH of the parent: every setting the server reads comes from `env` above.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SECRETS_DIR: '/nonexistent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString()).slice(-8000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;

  const cleanup = async () => {
    await stopChild(child, exited);
    rmSync(dataDir, { recursive: true, force: true });
    if (!opts.database) await database.drop();
  };
  try {
    if (role !== 'worker') await waitUntilReady(url, child, () => output);
  } catch (err) {
    await cleanup();
    throw err;
  }

  const tokens = new Map<BenchRole, string>();
  const gql: BenchServer['gql'] = (query, variables, token) => gqlRequest(url, query, variables, token);
  return {
    metricsUrl,
    url,
    database,
    pid: child.pid!,
    gql,
    async token(r) {
      if (tokens.has(r)) return tokens.get(r)!;
      const res = await gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, {
        u: USERNAMES[r],
        p: BENCH_PASSWORDS[r],
      });
      if (!res.data?.login) throw new Error(`login as ${USERNAMES[r]} failed: ${JSON.stringify(res.errors)}`);
      tokens.set(r, res.data.login.token);
      return res.data.login.token;
    },
    cpuSeconds: () => processTreeCpuSeconds(child.pid!),
    stop: cleanup,
  };
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`bench server exited with ${child.exitCode}:\n${output()}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`bench server did not become ready in 90 s:\n${output()}`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** User + system CPU seconds of a process (Linux /proc); NaN elsewhere. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the whole line, i.e. 11 and 12 after the command.
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** The parent of every process (Linux /proc). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      out.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** CPU seconds of a process and its living descendants (a cluster's primary and its API processes). */
export function processTreeCpuSeconds(pid: number): number {
  const parentOf = parents();
  const tree = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const [child, parent] of parentOf)
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
  }
  let total = 0;
  for (const p of tree) {
    const cpu = processCpuSeconds(p);
    if (Number.isFinite(cpu)) total += cpu;
    else if (p === pid) return NaN;
  }
  return total;
}

/** CPU seconds per process of the embedded cluster (postmaster and its children); empty when external. */
export async function postgresCpuSample(): Promise<Map<number, number>> {
  const sample = new Map<number, number>();
  const c = await cluster?.catch(() => undefined);
  const pidFile = c?.dataDir && path.join(c.dataDir, 'pg', 'postmaster.pid');
  if (!pidFile || !existsSync(pidFile)) return sample;
  const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  sample.set(postmaster, processCpuSeconds(postmaster));
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) sample.set(Number(entry), processCpuSeconds(Number(entry)));
    } catch {
      // the process ended meanwhile
    }
  }
  return sample;
}

/** CPU seconds Postgres spent between two samples (processes that ended in between are not counted). */
export function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  if (!after.size) return NaN;
  let total = 0;
  for (const [pid, cpu] of after) total += cpu - (before.get(pid) ?? 0);
  return total;
}
