// graphql-ws on the same port and path as HTTP GraphQL. Auth comes from connectionParams.authorization;
// a socket is closed (4401) when its token expires. Subscriptions are shared: one execution per
// (document, variables, visibility), its results serialized once and written to every socket.
import type { IncomingMessage, Server } from 'node:http';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { CloseCode, makeServer, type Context as WsContext } from 'graphql-ws';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { liveOf, type AppContext } from '../context.js';
import { viewerFromAuthorization, type Viewer } from '../services/auth.service.js';
import { createContext } from '../graphql/context.js';
import { toClientError } from '../graphql/errors.js';
import type { LiveHub } from '../live/hub.js';
import { latestIterator } from '../live/latest-iterator.js';
import type { SharedPayload } from '../live/shared-execution.js';
import { prepareDocument } from './document-cache.js';
import { subscriptionEnded, subscriptionStarted } from '../observability/metrics.js';

export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_GOING_AWAY = 1001;
const KEEPALIVE_MS = 12_000;
// A socket this far behind gets only the newest state once it catches up.
const MAX_BUFFERED_BYTES = 1024 * 1024;
const CLOSE_BRACE = Buffer.from('}');
// setTimeout's limit; tokens live 24 h, so this only guards odd clocks.
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Extra {
  socket: WebSocket;
  request: IncomingMessage;
  viewer: Viewer | null;
  expiry?: NodeJS.Timeout;
}

export interface GraphqlWs {
  readonly wss: WebSocketServer;
  readonly hub: LiveHub;
  dispose(): Promise<void>;
}

export function attachGraphqlWs(app: AppContext, schema: GraphQLSchema, server: Server): GraphqlWs {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024, handleProtocols });
  const hub = liveOf(app);
  const shared = hub.shared;
  const shareable = new WeakMap<ExecutionArgs, AsyncGenerator<never>>();
  const clientError = (e: GraphQLError) => toClientError(e.toJSON(), e, app.log);
  const asGraphqlError = (e: GraphQLError) => {
    const safe = clientError(e);
    return new GraphQLError(safe.message, { extensions: safe.extensions, path: safe.path });
  };
  const contextFor = (ctx: WsContext<Record<string, unknown>, Extra>) =>
    createContext(app, ctx.extra.viewer, { ip: ctx.extra.request.socket.remoteAddress ?? 'unknown' });

  const gql = makeServer<Record<string, unknown>, Extra>({
    schema,
    onConnect: async (ctx) => {
      const { socket } = ctx.extra;
      try {
        ctx.extra.viewer = await viewerFromAuthorization(
          app.config.secretKey,
          ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization,
        );
      } catch (err) {
        socket.close(CLOSE_UNAUTHENTICATED, (err as Error).message.slice(0, 120));
        return false;
      }
      const exp = ctx.extra.viewer?.exp;
      if (exp) {
        // A signed-in socket outlives no token: the client reconnects with a fresh one (and gets fresh snapshots).
        const ms = Math.min(MAX_TIMER_MS, Math.max(0, exp * 1000 - Date.now()));
        ctx.extra.expiry = setTimeout(() => socket.close(CLOSE_UNAUTHENTICATED, 'Token expired'), ms);
      }
      return true;
    },
    onSubscribe: async (ctx, id, payload) => {
      try {
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
        const { socket } = ctx.extra;
        // The stream graphql-ws iterates never yields: results go straight to the socket, the same
        // bytes for every subscriber; the stream only carries the end (complete or error).
        let membership: { leave(): void } | undefined;
        const stream = latestIterator<never>(() => {
          if (!membership) return;
          membership.leave();
          subscriptionEnded();
        });
        const prefix = Buffer.from(`{"id":${JSON.stringify(id)},"type":"next","payload":`);
        let pending: SharedPayload | null = null;
        const write = (p: SharedPayload) => {
          if (stream.closed || socket.readyState !== socket.OPEN) return;
          if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
            if (!pending)
              setTimeout(() => {
                const q = pending!;
                pending = null;
                write(q);
              }, 100);
            pending = p;
            return;
          }
          socket.send(Buffer.concat([prefix, p.json, CLOSE_BRACE]), { binary: false });
        };
        const joined = await shared.join(
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
          {
            next: (p) => (pending ? (pending = p) : write(p)),
            end: (errors) =>
              errors
                ? stream.fail(new GraphQLError(errors[0]!.message, { originalError: errors[0] }))
                : void stream.return(undefined),
          },
        );
        if (Array.isArray(joined)) return joined.map(asGraphqlError);
        if (stream.closed) {
          (joined as { leave(): void }).leave();
        } else {
          membership = joined as { leave(): void };
          subscriptionStarted();
        }
        const execArgs = { ...args, contextValue: null };
        shareable.set(execArgs, stream);
        return execArgs;
      } catch (err) {
        if (err instanceof GraphQLError) return [err];
        return [asGraphqlError(new GraphQLError((err as Error).message, { originalError: err as Error }))];
      }
    },
    // Subscriptions were started in onSubscribe; graphql-ws only waits for their end.
    subscribe: (args) =>
      (shareable.get(args) as AsyncGenerator<never>) ??
      (() => {
        throw new Error('subscription was not prepared');
      })(),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => asGraphqlError(e)),
    onNext: (_ctx, _id, _payload, _args, result) => {
      if (!result.errors?.length) return result;
      return { ...result, errors: result.errors.map((e) => clientError(e as GraphQLError)) } as never;
    },
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
    const extra: Extra = { socket, request, viewer: null };
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
      void closed(code, String(reason));
    });
  });

  return {
    wss,
    hub,
    async dispose() {
      clearInterval(keepalive);
      for (const client of wss.clients) client.close(CLOSE_GOING_AWAY, 'Server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
