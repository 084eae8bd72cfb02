// graphql-ws on the same port and path as HTTP GraphQL: the protocol only. Auth comes from
// connectionParams.authorization; a socket is closed when its token expires (4403, which graphql-ws's
// client retries, so a tablet whose connectionParams fetches a fresh token reconnects by itself), was
// never valid or is revoked (4401, which it does not retry: the account's password changed, or it
// was disabled or deleted); pings find dead peers. Subscriptions are handed to the live fan-out
// (src/live/fanout.ts), which runs one execution
// per (document, variables, visibility) and writes its results to every socket.
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { UnauthenticatedError } from '../domain/errors.js';
import { CloseCode, makeServer, type Context as WsContext } from 'graphql-ws';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { liveOf, type AppContext } from '../context.js';
import type { Viewer } from '../services/auth.service.js';
import { createContext } from '../graphql/context.js';
import { toClientError } from '../graphql/errors.js';
import { DomainError } from '../domain/errors.js';
import type { LiveStream } from '../live/fanout.js';
import type { LiveHub } from '../live/hub.js';
import { authenticate } from './authenticate.js';
import { prepareDocument } from './document-cache.js';
import { clientAddress, compileTrustProxy, type TrustProxy } from './client-address.js';

export const CLOSE_UNAUTHENTICATED = 4401;
/** graphql-ws's Forbidden: its client retries it, calling connectionParams again. */
export const CLOSE_TOKEN_EXPIRED = 4403;
export const CLOSE_GOING_AWAY = 1001;
const KEEPALIVE_MS = 12_000;
// setTimeout's limit; tokens live 24 h, so this only guards odd clocks.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  /** The caller's address, computed as HTTP computes req.ip. */
  ip: string;
  viewer: Viewer | null;
  expiry?: NodeJS.Timeout;
}

export interface GraphqlWs {
  readonly wss: WebSocketServer;
  readonly hub: LiveHub;
  dispose(): Promise<void>;
}

export function attachGraphqlWs(
  app: AppContext,
  schema: GraphQLSchema,
  server: Server,
  trust: TrustProxy = compileTrustProxy(app.config.trustProxy),
): GraphqlWs {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024, handleProtocols });
  const hub = liveOf(app);
  // onSubscribe starts a subscription on the fan-out; graphql-ws then asks subscribe() for its stream.
  const started = new WeakMap<ExecutionArgs, LiveStream>();
  const clientError = (e: GraphQLError) => toClientError(e.toJSON(), e, app.log);
  const asGraphqlError = (e: GraphQLError) => {
    const safe = clientError(e);
    return new GraphQLError(safe.message, { extensions: safe.extensions, path: safe.path });
  };
  const contextFor = (ctx: WsContext<Record<string, unknown>, Extra>) =>
    createContext(app, ctx.extra.viewer, { ip: ctx.extra.ip });

  const gql = makeServer<Record<string, unknown>, Extra>({
    schema,
    onConnect: async (ctx) => {
      const { socket } = ctx.extra;
      try {
        ctx.extra.viewer = await authenticate(
          app,
          ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization,
        );
      } catch (err) {
        const expired = err instanceof UnauthenticatedError && err.expired;
        socket.close(expired ? CLOSE_TOKEN_EXPIRED : CLOSE_UNAUTHENTICATED, (err as Error).message.slice(0, 120));
        return false;
      }
      if (ctx.extra.viewer) signedIn(ctx.extra);
      const exp = ctx.extra.viewer?.exp;
      if (exp) {
        // A signed-in socket outlives no token: the client reconnects with a fresh one (and gets fresh snapshots).
        const ms = Math.min(MAX_TIMER_MS, Math.max(0, exp * 1000 - Date.now()));
        ctx.extra.expiry = setTimeout(() => socket.close(CLOSE_TOKEN_EXPIRED, 'Token expired'), ms);
      }
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      try {
        // A revocation may still be on its way to this socket's close: every operation checks again.
        if (ctx.extra.viewer) await hub.accounts.check(ctx.extra.viewer);
        const prepared = prepareDocument(schema, payload.query, payload.variables, payload.operationName);
        if ('errors' in prepared) return prepared.errors;
        const { document, operation } = prepared;
        const args: ExecutionArgs = {
          schema,
          document,
          variableValues: payload.variables,
          operationName: payload.operationName,
        };
        if (operation !== 'subscription') {
          const contextValue = contextFor(ctx);
          contextValue.isMutation = operation === 'mutation';
          return { ...args, contextValue };
        }
        const subscribed = await hub.fanout.subscribe(
          {
            schema,
            document,
            query: payload.query,
            variables: payload.variables ?? undefined,
            operationName: payload.operationName,
            visibility: ctx.extra.viewer?.role ?? 'anonymous',
            context: () => contextFor(ctx),
            formatError: clientError,
          },
          { socket: ctx.extra.socket, id },
        );
        if (Array.isArray(subscribed)) return subscribed.map(asGraphqlError);
        const execArgs = { ...args, contextValue: null };
        started.set(execArgs, subscribed as LiveStream);
        return execArgs;
      } catch (err) {
        if (err instanceof DomainError && err.code === 'UNAUTHENTICATED') {
          ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, err.message.slice(0, 120));
          return [asGraphqlError(new GraphQLError(err.message, { originalError: err }))];
        }
        if (err instanceof GraphQLError) return [err];
        return [asGraphqlError(new GraphQLError((err as Error).message, { originalError: err as Error }))];
      }
    },
    // Subscriptions were started in onSubscribe; graphql-ws only waits for their end.
    subscribe: (args) =>
      started.get(args) ??
      (() => {
        throw new Error('subscription was not prepared');
      })(),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => asGraphqlError(e)),
    onNext: (_ctx, _id, _payload, _args, result) => {
      if (!result.errors?.length) return result;
      return { ...result, errors: result.errors.map((e) => clientError(e as GraphQLError)) } as never;
    },
  });

  // Signed-in sockets by account, so a revocation closes exactly that account's sockets.
  const byAccount = new Map<number, Set<Extra>>();
  function signedIn(extra: Extra) {
    // Closed while its token was being checked: its close handler has already run.
    if (extra.socket.readyState !== extra.socket.OPEN) return;
    const id = extra.viewer!.id;
    let set = byAccount.get(id);
    if (!set) byAccount.set(id, (set = new Set()));
    set.add(extra);
  }
  function signedOut(extra: Extra) {
    if (!extra.viewer) return;
    const set = byAccount.get(extra.viewer.id);
    set?.delete(extra);
    if (set?.size === 0) byAccount.delete(extra.viewer.id);
  }
  const stopWatchingAccounts = hub.accounts.onChange((accountId) => {
    const affected =
      accountId === null ? [...byAccount.values()].flatMap((s) => [...s]) : [...(byAccount.get(accountId) ?? [])];
    for (const extra of affected) {
      hub.accounts.check(extra.viewer!).catch((err: Error) => {
        // The database being unreachable is no reason to close anyone: only a refusal is.
        if (err instanceof DomainError) extra.socket.close(CLOSE_UNAUTHENTICATED, err.message.slice(0, 120));
        else app.log.warn({ err }, "could not check a socket's account after a change");
      });
    }
  });

  // Pings find dead peers (a tablet that lost Wi-Fi) so their subscriptions are released; one timer
  // for all sockets, as 10,000 sockets with a timer each cost memory for nothing.
  const alive = new WeakSet<WebSocket>() as WeakSet<WebSocket> & { add(ws: WebSocket): void };
  const keepalive = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, KEEPALIVE_MS);
  keepalive.unref();

  wss.on('connection', (socket, request) => {
    socket.once('error', (err) => {
      app.log.warn({ err: err.message }, 'websocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    const extra: Extra = { socket, request, ip: clientAddress(request, trust), viewer: null };
    const closed = gql.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            // A failed write means the socket is gone; its close event cleans up.
            socket.send(data, { binary: false }, () => resolve());
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (raw) => {
            try {
              await cb(String(raw));
            } catch (err) {
              app.log.error({ err }, 'websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      alive.delete(socket);
      if (extra.expiry) clearTimeout(extra.expiry);
      signedOut(extra);
      void closed(code, String(reason));
    });
  });

  return {
    wss,
    hub,
    async dispose() {
      clearInterval(keepalive);
      stopWatchingAccounts();
      for (const client of wss.clients) client.close(CLOSE_GOING_AWAY, 'Server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
