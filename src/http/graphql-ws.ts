// graphql-ws on the same port and path as HTTP GraphQL. Auth comes from connectionParams.authorization;
// a socket is closed (4401) when its token expires. Subscriptions are shared: one execution per
// (document, variables, visibility), its results serialized once and written to every socket.
import type { IncomingMessage, Server } from 'node:http';
import { getOperationAST, GraphQLError, parse, validate, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import { CloseCode, makeServer, type Context as WsContext } from 'graphql-ws';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Deps } from '../deps.js';
import { viewerFromAuthorization, type Viewer } from '../services/auth.service.js';
import { createContext } from '../graphql/context.js';
import { toClientError } from '../graphql/errors.js';
import { checkLimits } from '../graphql/limits.js';
import { startLiveHub, type LiveHub } from '../live/hub.js';
import { encodeMessage, SharedPayload } from '../live/shared-execution.js';

export const CLOSE_UNAUTHENTICATED = 4401;
export const CLOSE_GOING_AWAY = 1001;
const KEEPALIVE_MS = 12_000;
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

const servers = new WeakMap<Deps, WebSocketServer>();

/** The WebSocket server of the API process these deps belong to (operations and tests close sockets with it). */
export function graphqlWsServerOf(deps: Deps): WebSocketServer | undefined {
  return servers.get(deps);
}

export function attachGraphqlWs(deps: Deps, schema: GraphQLSchema, server: Server): GraphqlWs {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024, handleProtocols });
  servers.set(deps, wss);
  const hub = startLiveHub(deps);
  const shared = hub.shared;
  const shareable = new WeakMap<ExecutionArgs, AsyncGenerator<SharedPayload>>();
  const clientError = (e: GraphQLError) => toClientError(e.toJSON(), e, deps.log);
  const asGraphqlError = (e: GraphQLError) => {
    const safe = clientError(e);
    return new GraphQLError(safe.message, { extensions: safe.extensions, path: safe.path });
  };
  const contextFor = (ctx: WsContext<Record<string, unknown>, Extra>) =>
    createContext(deps, ctx.extra.viewer, { ip: ctx.extra.request.socket.remoteAddress ?? 'unknown' });

  const gql = makeServer<Record<string, unknown>, Extra>({
    schema,
    onConnect: async (ctx) => {
      const { socket } = ctx.extra;
      try {
        ctx.extra.viewer = await viewerFromAuthorization(deps.config.secretKey, ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
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
    onSubscribe: async (ctx, _id, payload) => {
      try {
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length) return errors;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [new GraphQLError('Unable to identify operation')];
        const limit = checkLimits(schema, document, payload.variables ?? {}, payload.operationName);
        if (limit) return [limit];
        const args: ExecutionArgs = { schema, document, variableValues: payload.variables, operationName: payload.operationName };
        if (operation.operation !== 'subscription') {
          const contextValue = contextFor(ctx);
          contextValue.isMutation = operation.operation === 'mutation';
          return { ...args, contextValue };
        }
        const joined = await shared.join({
          schema, document, query: payload.query, variables: payload.variables ?? undefined, operationName: payload.operationName,
          visibility: ctx.extra.viewer?.role ?? 'anonymous',
          context: () => contextFor(ctx),
          formatError: clientError,
        });
        if (Array.isArray(joined)) return joined.map(asGraphqlError);
        const execArgs = { ...args, contextValue: null };
        shareable.set(execArgs, joined as AsyncGenerator<SharedPayload>);
        return execArgs;
      } catch (err) {
        if (err instanceof GraphQLError) return [err];
        return [asGraphqlError(new GraphQLError((err as Error).message, { originalError: err as Error }))];
      }
    },
    // Subscriptions were started in onSubscribe; graphql-ws only iterates them.
    subscribe: (args) => (shareable.get(args) as AsyncGenerator<never>) ?? (() => { throw new Error('subscription was not prepared'); })(),
    onError: (_ctx, _id, _payload, errors) => errors.map((e) => asGraphqlError(e)),
    onNext: (_ctx, _id, _payload, _args, result) => {
      if (result instanceof SharedPayload) return result as never;
      if (!result.errors?.length) return result;
      return { ...result, errors: result.errors.map((e) => clientError(e as GraphQLError)) } as never;
    },
  });

  wss.on('connection', (socket, request) => {
    socket.once('error', (err) => {
      deps.log.warn({ err: err.message }, 'websocket error');
      socket.close(CloseCode.InternalServerError, 'Internal server error');
    });
    // Pings find dead peers (a tablet that lost Wi-Fi) so their subscriptions are released.
    let alive = true;
    socket.on('pong', () => (alive = true));
    const keepalive = setInterval(() => {
      if (!alive) return socket.terminate();
      alive = false;
      socket.ping();
    }, KEEPALIVE_MS);
    const extra: Extra = { socket, request, viewer: null };
    const closed = gql.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            // A failed write means the socket is gone; its close event cleans up.
            socket.send(encodeMessage(data), { binary: false }, () => resolve());
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on('message', async (raw) => {
            try {
              await cb(String(raw));
            } catch (err) {
              deps.log.error({ err }, 'websocket message failed');
              socket.close(CloseCode.InternalServerError, 'Internal server error');
            }
          }),
      },
      extra,
    );
    socket.once('close', (code, reason) => {
      clearInterval(keepalive);
      if (extra.expiry) clearTimeout(extra.expiry);
      void closed(code, String(reason));
    });
  });

  return {
    wss,
    hub,
    async dispose() {
      for (const client of wss.clients) client.close(CLOSE_GOING_AWAY, 'Server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await hub.stop();
    },
  };
}
