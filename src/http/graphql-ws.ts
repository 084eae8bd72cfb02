// graphql-ws on the same port and path as HTTP GraphQL. Auth comes from connectionParams.authorization.
import type { Server } from 'node:http';
import { GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Deps } from '../deps.js';
import { viewerFromAuthorization, type Viewer } from '../services/auth.service.js';
import { createContext } from '../graphql/context.js';
import { toClientError } from '../graphql/errors.js';
import { checkLimits } from '../graphql/limits.js';

export const CLOSE_UNAUTHENTICATED = 4401;

export function attachGraphqlWs(deps: Deps, schema: GraphQLSchema, server: Server) {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: 1024 * 1024 });
  const disposable = useServer<Record<string, unknown>, { viewer: Viewer | null }>(
    {
      schema,
      onConnect: async (ctx) => {
        try {
          ctx.extra.viewer = await viewerFromAuthorization(deps.config.secretKey, ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization);
          return true;
        } catch (err) {
          ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, (err as Error).message.slice(0, 120));
          return false;
        }
      },
      context: (ctx) => createContext(deps, ctx.extra.viewer ?? null, { ip: ctx.extra.request.socket.remoteAddress ?? 'unknown' }),
      onSubscribe: (_ctx, _id, payload) => {
        let document;
        try {
          document = parse(payload.query);
        } catch (err) {
          return [err as GraphQLError];
        }
        const error = checkLimits(schema, document, payload.variables ?? {}, payload.operationName);
        return error ? [error] : undefined;
      },
      onError: (_ctx, _id, _payload, errors) =>
        errors.map((e) => {
          const safe = toClientError(e.toJSON(), e, deps.log);
          return new GraphQLError(safe.message, { extensions: safe.extensions });
        }),
      onNext: (_ctx, _id, _payload, _args, result) => {
        if (!('errors' in result) || !result.errors?.length) return result;
        return { ...result, errors: result.errors.map((e) => toClientError(e.toJSON(), e, deps.log)) } as never;
      },
    },
    wss,
  );
  return { wss, dispose: () => disposable.dispose() };
}
