// graphql-ws clients over real WebSockets, with subscriptions as message queues a test can await.
import { eq } from 'drizzle-orm';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { games } from '../../src/db/schema.js';
import type { TestServer } from './server.js';

export interface WsClient {
  client: Client;
  /** Resolves with the close event's code and reason once the socket closes. */
  closed: Promise<{ code: number; reason: string }>;
  dispose(): Promise<void>;
}

export function wsUrl(httpUrl: string): string {
  return `${httpUrl.replace(/^http/, 'ws')}/graphql`;
}

export function connectWs(url: string, token?: string | null): WsClient {
  let onClosed!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (onClosed = r));
  const client = createClient({
    url: wsUrl(url),
    webSocketImpl: WebSocket,
    lazy: false,
    retryAttempts: 0,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      closed: (e) =>
        onClosed({ code: (e as { code: number }).code, reason: String((e as { reason: unknown }).reason) }),
    },
    onNonLazyError: () => {},
  });
  return { client, closed, dispose: () => client.dispose() as Promise<void> };
}

export interface Sub<T = any> {
  readonly messages: T[];
  readonly errors: unknown[];
  /** Resolves with the message number `n` (0-based) once it has arrived. */
  nth(n: number, timeoutMs?: number): Promise<T>;
  /** Resolves with the first message (from now on, or already received) that satisfies `pred`. */
  until(pred: (m: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves with the error the server sent for this operation. */
  error(timeoutMs?: number): Promise<any>;
  stop(): void;
}

export function subscribe<T = any>(ws: WsClient, query: string, variables?: Record<string, unknown>): Sub<T> {
  const messages: T[] = [];
  const errors: unknown[] = [];
  const waiters = new Set<() => void>();
  const wake = () => waiters.forEach((w) => w());
  const stop = ws.client.subscribe<T>(
    { query, variables },
    {
      next: (m) => {
        messages.push((m as { data: T }).data ?? (m as T));
        wake();
      },
      error: (e) => {
        errors.push(e);
        wake();
      },
      complete: () => {},
    },
  );
  const waitFor = <R>(check: () => R | undefined, what: string, timeoutMs = 5000) =>
    new Promise<R>((resolve, reject) => {
      const tick = () => {
        const v = check();
        if (v !== undefined) {
          waiters.delete(tick);
          clearTimeout(timer);
          resolve(v);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(tick);
        reject(
          new Error(
            `timed out waiting for ${what}; got ${messages.length} messages: ${JSON.stringify(messages.at(-1))?.slice(0, 400)} errors: ${JSON.stringify(errors)}`,
          ),
        );
      }, timeoutMs);
      waiters.add(tick);
      tick();
    });
  return {
    messages,
    errors,
    nth: (n, t) => waitFor(() => messages[n], `message #${n}`, t),
    until: (pred, t) => waitFor(() => messages.find(pred), 'a matching message', t),
    error: (t) => waitFor(() => errors[0], 'an error', t),
    stop,
  };
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creates a show (as ADMIN) and returns its id. */
export async function createShow(server: TestServer, name = 'Live Show', date = '2031-06-01'): Promise<string> {
  const r = await server.gql(
    `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
    {
      i: {
        name,
        date,
        welcomeMessage: 'Welcome!',
        recallMessage: 'Come back now',
        souvenirMessage: 'Your souvenir: {url}',
      },
    },
    await server.token('ADMIN'),
  );
  if (!r.data?.createShow) throw new Error(`createShow failed: ${JSON.stringify(r.errors)}`);
  return r.data.createShow.id;
}

/** Signs a player up for the show (as TABLET) and returns the id of their NEW game. */
export async function signUpGame(
  server: TestServer,
  showId: string,
  firstName: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const r = await server.gql(
    `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
    { i: { firstName, lastName: 'Tester', handedness: 'RIGHT', showId, ...extra } },
    await server.token('TABLET'),
  );
  if (!r.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(r.errors)}`);
  const rows = await server.app.context.database.db
    .select({ id: games.id })
    .from(games)
    .where(eq(games.playerId, Number(r.data.signUp.id)));
  return String(rows[0]!.id);
}

/** Runs a game mutation such as queueGame as the given role; throws on errors. */
export async function move(
  server: TestServer,
  action: string,
  gameId: string,
  role: 'TABLET' | 'VR_GAME' | 'STAFF' = 'STAFF',
  extra = '',
): Promise<any> {
  const r = await server.gql(
    `mutation($id: ID!) { ${action}(id: $id${extra}) { id state } }`,
    { id: gameId },
    await server.token(role),
  );
  if (!r.data?.[action]) throw new Error(`${action} failed: ${JSON.stringify(r.errors)}`);
  return r.data[action];
}
