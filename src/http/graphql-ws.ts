// graphql-ws on the same port and path as HTTP GraphQL: the protocol only. Auth comes from
// connectionParams.authorization; a socket is closed when its token expires (4403, which graphql-ws's
// client retries, so a tablet whose connectionParams fetches a fresh token reconnects by itself), was
// never valid or is revoked (4401, which it does not retry: the account's password changed, or it
// was disabled or deleted); pings find dead peers. Subscriptions are handed to the live fan-out
// (src/live/fanout.ts), which runs one execution
// per (document, variables, visibility) and writes its results to every socket.
// Limits: an address may hold MAX_SOCKETS_PER_ADDRESS sockets that are not signed in (more are
// refused at the upgrade with 429), a socket MAX_SUBSCRIPTIONS_PER_SOCKET subscriptions, and each
// operation passes the document limits and, when anonymous, the address budget; a refused
// operation gets an error of its own and the socket stays open.
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { UnauthenticatedError } from '../domain/errors.js';
import { documentCost, messageLimitOf } from '../domain/operation-limits.js';
import { limitError } from '../graphql/limits.js';
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
import { createDocumentCache } from './document-cache.js';
import { addressKey, clientAddress, type TrustProxy } from './client-address.js';
import { rateLimited, type AddressBudget } from './address-budget.js';

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
  /** The key its per-address limits count under (see addressKey). */
  address: string;
  viewer: Viewer | null;
  expiry?: NodeJS.Timeout;
  /** Whether the socket counts against its address's MAX_SOCKETS_PER_ADDRESS (until it signs in). */
  counted: boolean;
  /** Ids of its running subscriptions. */
  subscriptions: Set<string>;
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
  trust: TrustProxy,
  /** The anonymous budget, shared with HTTP. */
  budget: AddressBudget,
  /** API processes sharing the port: an address's sockets are spread over them, and so is its limit. */
  processes = 1,
): GraphqlWs {
  const { maxDocumentBytes, subscriptionsPerSocket } = app.config.limits;
  const socketsPerAddress = Math.ceil(app.config.limits.socketsPerAddress / processes);
  const sockets = new Map<string, number>();
  const release = (extra: Extra) => {
    if (!extra.counted) return;
    extra.counted = false;
    const left = (sockets.get(extra.address) ?? 1) - 1;
    if (left > 0) sockets.set(extra.address, left);
    else sockets.delete(extra.address);
  };
  const wss = new WebSocketServer({
    server,
    path: '/graphql',
    // A message larger than a whole operation may be closes the socket (1009); smaller ones that
    // hold too large a document are refused per operation.
    maxPayload: messageLimitOf(maxDocumentBytes),
    handleProtocols,
    // Checked and counted in the same tick: ws completes the upgrade synchronously after a yes.
    verifyClient: ({ req }, answer) => {
      const key = addressKey(clientAddress(req, trust));
      if (socketsPerAddress > 0 && (sockets.get(key) ?? 0) >= socketsPerAddress) {
        answer(false, 429, `Too many WebSocket connections from this address (limit ${socketsPerAddress})`, {
          'Retry-After': '10',
        });
        return;
      }
      answer(true);
    },
  });
  const documents = createDocumentCache(schema, {
    maxDocumentBytes,
    onEstimatorError: (err) => app.log.warn({ err }, 'complexity estimate failed; operation refused'),
  });
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
      // A signed-in device never counts against its address (booth devices may share one with the public).
      if (ctx.extra.viewer) {
        signedIn(ctx.extra);
        release(ctx.extra);
      }
      const exp = ctx.extra.viewer?.exp;
      if (exp) {
        // A signed-in socket outlives no token: the client reconnects with a fresh one (and gets fresh snapshots).
        const ms = Math.min(MAX_TIMER_MS, Math.max(0, exp * 1000 - Date.now()));
        ctx.extra.expiry = setTimeout(() => socket.close(CLOSE_TOKEN_EXPIRED, 'Token expired'), ms);
      }
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      const { extra } = ctx;
      const anonymous = !extra.viewer;
      try {
        // A revocation may still be on its way to this socket's close: every operation checks again.
        if (ctx.extra.viewer) await hub.accounts.check(ctx.extra.viewer);
        if (anonymous) {
          const wait = budget.admit(extra.ip, documentCost(Buffer.byteLength(payload.query)));
          if (wait > 0) return [rateLimited(wait)];
        }
        const prepared = documents.prepare(payload.query, payload.variables, payload.operationName);
        if ('errors' in prepared) return prepared.errors;
        const { document, operation, complexity } = prepared;
        if (operation === 'subscription' && extra.subscriptions.size >= subscriptionsPerSocket) {
          return [
            limitError(
              'TOO_MANY_SUBSCRIPTIONS',
              `This socket already runs ${extra.subscriptions.size} subscriptions (the limit is ${subscriptionsPerSocket}); stop one first`,
            ),
          ];
        }
        if (anonymous) {
          const wait = budget.take(extra.ip, complexity);
          if (wait > 0) return [rateLimited(wait)];
        }
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
        // Counted before the first await, so a burst of subscribe messages cannot overshoot the limit.
        extra.subscriptions.add(id);
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
        if (Array.isArray(subscribed)) {
          extra.subscriptions.delete(id);
          return subscribed.map(asGraphqlError);
        }
        const execArgs = { ...args, contextValue: null };
        started.set(execArgs, subscribed as LiveStream);
        return execArgs;
      } catch (err) {
        extra.subscriptions.delete(id);
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
    // Every operation that got past onSubscribe ends here: stopped by the client, completed, or failed.
    onComplete: (ctx, id) => void ctx.extra.subscriptions.delete(id),
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
    const ip = clientAddress(request, trust);
    const extra: Extra = {
      socket,
      request,
      ip,
      address: addressKey(ip),
      viewer: null,
      counted: true,
      subscriptions: new Set(),
    };
    sockets.set(extra.address, (sockets.get(extra.address) ?? 0) + 1);
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
      release(extra);
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
