// A promise rejected with nothing waiting on it ends a Node process. One kind is survivable: a bare
// socket error that a database driver left behind when PostgreSQL restarted (seen here once in a
// hundred restarts, as `read ECONNRESET` with no query attached, like node-postgres#3658 under
// pg-boss). Every caller of that connection has had its own error; the pools reconnect. Ending
// the venue's server for it would drop every tablet and board, so it is logged and the server goes
// on. Anything else still ends the process, logged, as it would have.
import type { Logger } from 'pino';

const SOCKET_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT']);

/** A bare socket error: a system call failed on a connection, and no query or caller is named. */
export function isStraySocketError(reason: unknown): boolean {
  if (!(reason instanceof Error)) return false;
  const { code, syscall } = reason as NodeJS.ErrnoException;
  return Boolean(code && syscall && SOCKET_ERRORS.has(code));
}

export function handleStrayRejections(log: Logger): void {
  process.on('unhandledRejection', (reason) => {
    if (isStraySocketError(reason)) {
      log.error({ err: reason }, 'a connection error nothing was waiting for (PostgreSQL restarting?); carrying on');
      return;
    }
    log.fatal({ err: reason }, 'a promise was rejected with nothing to handle it; exiting');
    process.exit(1);
  });
}
