// One dedicated LISTEN connection per API process, on the primary (replicas do not forward NOTIFY).
// When the connection drops (pg_terminate_backend, a database restart, a network cut) it reconnects
// with backoff and reports `resync`: notifications sent while it was away are lost, so everyone
// listening must re-read the current state.
import postgres from 'postgres';
import type { Logger } from '../log.js';
import { CHANNEL, type Change } from './announce.js';

/** Set on the connection so operators (and tests) can find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'mlb-live-listener';

export interface ListenerHandlers {
  onChange(change: Change): void;
  /** An account changed (its password, disabled, deleted): tokens of it may be revoked. */
  onAccountChange(accountId: number): void;
  /** The connection came back after a drop: state may have changed unannounced. */
  onResync(): void;
}

export interface Listener {
  /** Resolves once the first LISTEN is in place (or rejects if the database is unreachable). */
  readonly ready: Promise<void>;
  readonly connected: boolean;
  stop(): Promise<void>;
}

const BACKOFF_MIN_MS = 100;
const BACKOFF_MAX_MS = 5_000;
// A ping catches a connection that died without a FIN (a cut cable); LISTEN connections are otherwise silent.
const PING_INTERVAL_MS = 10_000;

export function parseChange(payload: string): Change | null {
  try {
    const v = JSON.parse(payload) as Partial<Change>;
    if (!Number.isInteger(v.showId)) return null;
    return {
      showId: v.showId!,
      ...(Number.isInteger(v.gameId) ? { gameId: v.gameId } : {}),
      ...(v.lighting === true ? { lighting: true as const } : {}),
    };
  } catch {
    return null;
  }
}

/** The account id of an account change (`{"accountId":1}`), or null for any other payload. */
export function parseAccountChange(payload: string): number | null {
  try {
    const v = JSON.parse(payload) as { accountId?: unknown };
    return Number.isInteger(v.accountId) ? (v.accountId as number) : null;
  } catch {
    return null;
  }
}

export function startListener(url: string, handlers: ListenerHandlers, log: Logger): Listener {
  let stopped = false;
  let connected = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let everConnected = false;
  /** Connections closed so far: a LISTEN answered across a close may have been on the one that died. */
  let closes = 0;

  // onnotify is a documented-in-code postgres.js option missing from its typings.
  const options = {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: LISTENER_APPLICATION_NAME },
    onnotify: (channel: string, payload: string) => {
      if (channel !== CHANNEL) return;
      const accountId = parseAccountChange(payload);
      if (accountId !== null) return handlers.onAccountChange(accountId);
      const change = parseChange(payload);
      if (change) handlers.onChange(change);
      else log.warn({ payload }, 'ignored a malformed change notification');
    },
    onclose: () => {
      closes++;
      if (stopped || !connected) return;
      connected = false;
      log.warn('live listener connection lost; reconnecting');
      schedule();
    },
  };
  const sql = postgres(url, options as postgres.Options<Record<string, postgres.PostgresType>>);

  const ping = setInterval(() => {
    if (connected)
      sql`select 1`.catch(() => {
        /* onclose reconnects */
      });
  }, PING_INTERVAL_MS);
  ping.unref();

  async function connect(): Promise<void> {
    // Plain `listen` on the pool's single connection: postgres.js' own listen() helper re-listens
    // on reconnect but gives no backoff control and no signal that notifications were missed.
    const closesBefore = closes;
    await sql.unsafe(`listen ${CHANNEL}`);
    if (closes !== closesBefore) {
      // The connection closed while LISTEN was on its way (a restart right then). Taking it as
      // listening would leave the next ping to open a connection that never listens, silently.
      log.warn('live listener connection closed while listening; listening again');
      schedule();
      return;
    }
    connected = true;
    attempt = 0;
    if (everConnected) {
      log.info('live listener reconnected; resending current state');
      handlers.onResync();
    }
    everConnected = true;
  }

  function schedule() {
    if (stopped || retryTimer) return;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** attempt) * (0.75 + Math.random() / 2);
    attempt++;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      if (stopped) return;
      connect().catch((err) => {
        log.warn({ err: (err as Error).message, attempt }, 'live listener could not reconnect yet');
        schedule();
      });
    }, delay);
  }

  const ready = connect();
  ready.catch(() => schedule());

  return {
    ready,
    get connected() {
      return connected;
    },
    async stop() {
      stopped = true;
      clearInterval(ping);
      if (retryTimer) clearTimeout(retryTimer);
      await sql.end({ timeout: 1 });
    },
  };
}
