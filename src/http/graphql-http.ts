// Apollo Server on /graphql over HTTP: context from the bearer token, limits, error mapping.
// Before Apollo reads anything, the request passes two gates: an anonymous one whose address has
// spent its budget is refused before its body is read, and a document too large, too nested, of
// too many tokens or fields is refused before it is validated (src/graphql/limits.ts).
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import express, { type RequestHandler, type Response } from 'express';
import type { AppContext } from '../context.js';
import { documentCost, MAX_TOKENS, messageLimitOf } from '../domain/operation-limits.js';
import { createContext, type Context } from '../graphql/context.js';
import { toClientError } from '../graphql/errors.js';
import { checkLimits, parseOperation } from '../graphql/limits.js';
import { DomainError } from '../domain/errors.js';
import { metricsPlugin } from '../observability/apollo-metrics.js';
import { authenticate } from './authenticate.js';
import { graphqlErrors, graphqlRequests } from '../observability/metrics.js';
import { rateLimited, type AddressBudget } from './address-budget.js';
import { requestLocals } from './request-log.js';
import { LruCache } from './document-cache.js';

// The texts of documents that passed the checks before validation, at most this much of them.
const PASSED_DOCUMENTS_BYTES = 4 * 1024 * 1024;

function limitsPlugin(app: AppContext, budget: AddressBudget): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, request, response, schema, operation, contextValue }) {
          contextValue.isMutation = operation?.operation === 'mutation';
          const { complexity, error } = checkLimits(
            schema,
            document,
            request.variables ?? {},
            request.operationName,
            (err) => app.log.warn({ err }, 'complexity estimate failed; operation refused'),
          );
          if (error) throw error;
          if (!contextValue.viewer) {
            const wait = budget.take(contextValue.ip, complexity);
            if (wait > 0) {
              const error = rateLimited(wait);
              response.http.headers.set('retry-after', String(error.extensions.retryAfterSeconds));
              throw error;
            }
          }
        },
      };
    },
  };
}

/** Answers a refusal the way Apollo answers errors, and counts it as Apollo's plugin would. */
function refuse(res: Response, error: GraphQLError, headers: Record<string, string> = {}): void {
  const { http, ...extensions } = error.extensions as { http?: { status?: number } } & Record<string, unknown>;
  graphqlErrors.inc({ code: String(extensions.code) });
  graphqlRequests.inc({ operation: 'invalid', type: 'unknown', outcome: 'error' });
  res
    .status(http?.status ?? 400)
    .set(headers)
    .json({ errors: [{ ...error.toJSON(), extensions }] });
}

const retryAfter = (error: GraphQLError): Record<string, string> => ({
  'retry-after': String(error.extensions.retryAfterSeconds ?? 1),
});

export async function createGraphqlHttp(
  app: AppContext,
  schema: GraphQLSchema,
  budget: AddressBudget,
  plugins: ApolloServerPlugin<Context>[] = [],
) {
  const { maxDocumentBytes } = app.config.limits;
  const apollo = new ApolloServer<Context>({
    schema,
    csrfPrevention: true,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    parseOptions: { maxTokens: MAX_TOKENS },
    plugins: [ApolloServerPluginLandingPageDisabled(), limitsPlugin(app, budget), metricsPlugin<Context>(), ...plugins],
    formatError: (formatted, error) => toClientError(formatted, error, app.log),
  });
  await apollo.start();

  // No Authorization header: anonymous for sure (a bad token is refused before anything is parsed).
  // Reading and parsing its body is paid for by the KiB; an address refused an operation is turned
  // away here, before its body is read, until it could pay for it, so a flood costs little more
  // than this check.
  const anonymousGate: RequestHandler = (req, res, next) => {
    if (req.headers.authorization) return next();
    const bytes = Number(req.headers['content-length']) || req.url.length;
    const wait = budget.admit(req.ip ?? 'unknown', documentCost(bytes));
    if (wait > 0) {
      const error = rateLimited(wait);
      return refuse(res, error, retryAfter(error));
    }
    next();
  };

  // Bounds the work before validation; syntax errors go on to Apollo, which reports them the same way.
  // Devices send the same few documents over and over: one that passed is not parsed again here
  // (Apollo keeps its own parsed and validated copy).
  const passed = new LruCache<true>(PASSED_DOCUMENTS_BYTES, (key) => 64 + 2 * key.length);
  const documentGate: RequestHandler = (req, res, next) => {
    const query = req.method === 'GET' ? req.query.query : (req.body as { query?: unknown } | undefined)?.query;
    if (typeof query !== 'string' || passed.get(query)) return next();
    const { error } = parseOperation(query, maxDocumentBytes);
    if (!error) passed.set(query, true);
    else if (error.extensions.code !== 'GRAPHQL_PARSE_FAILED') return refuse(res, error);
    next();
  };

  const apolloHandler: RequestHandler = expressMiddleware(apollo, {
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
  const handlers: RequestHandler[] = [
    anonymousGate,
    express.json({ limit: messageLimitOf(maxDocumentBytes) }),
    documentGate,
    apolloHandler,
  ];
  return { apollo, handlers };
}
