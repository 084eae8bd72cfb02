// Apollo Server on /graphql over HTTP: context from the bearer token, limits, error mapping.
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import type { RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { createContext, type Context } from '../graphql/context.js';
import { toClientError } from '../graphql/errors.js';
import { checkLimits } from '../graphql/limits.js';
import { DomainError } from '../domain/errors.js';
import { metricsPlugin } from '../observability/apollo-metrics.js';
import { authenticate } from './authenticate.js';
import { requestLocals } from './request-log.js';

const limitsPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ document, request, schema, operation, contextValue }) {
        contextValue.isMutation = operation?.operation === 'mutation';
        const error = checkLimits(schema, document, request.variables ?? {}, request.operationName);
        if (error) throw error;
      },
    };
  },
};

export async function createGraphqlHttp(
  app: AppContext,
  schema: GraphQLSchema,
  plugins: ApolloServerPlugin<Context>[] = [],
) {
  const apollo = new ApolloServer<Context>({
    schema,
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), limitsPlugin, metricsPlugin<Context>(), ...plugins],
    formatError: (formatted, error) => toClientError(formatted, error, app.log),
  });
  await apollo.start();
  const handler: RequestHandler = expressMiddleware(apollo, {
    context: async ({ req, res }) => {
      let viewer;
      try {
        viewer = await authenticate(app, req.headers.authorization);
      } catch (err) {
        const message = err instanceof DomainError ? err.message : 'Invalid token';
        throw new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      const body = req.body as { operationName?: unknown } | undefined;
      const log = requestLocals(res).log.child({
        operation: typeof body?.operationName === 'string' ? body.operationName : undefined,
        account: viewer?.username,
      });
      return createContext(app, viewer, { ip: req.ip ?? 'unknown', log });
    },
  });
  return { apollo, handler };
}
