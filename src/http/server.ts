// The one HTTP server: GraphQL over HTTP and WebSocket, GraphiQL, health, and the routes of src/http.
import cluster from 'node:cluster';
import http from 'node:http';
import type { WebSocketServer } from 'ws';
import cors from 'cors';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import type { AppContext } from '../context.js';
import { getSchema } from '../graphql/schema.js';
import { graphiqlHandler } from './routes/graphiql.js';
import { createGraphqlHttp } from './graphql-http.js';
import { attachGraphqlWs } from './graphql-ws.js';
import { compileTrustProxy } from './client-address.js';
import { createAddressBudget } from './address-budget.js';
import { listen, loopbackOf } from './listen.js';
import { startMetricsServer } from './metrics-server.js';
import { requestLog, unexpectedErrors } from './request-log.js';
import { boardRoutes } from './routes/board.js';
import { exportRoutes } from './routes/export.js';
import { reportRoutes } from './routes/report.js';
import { healthRoutes } from './routes/health.js';
import { lightingRoutes } from './routes/lighting.js';
import { twilioStatusRoutes } from './routes/twilio-status.js';
import { twilioInboundRoutes } from './routes/twilio-inbound.js';
import { logoRoutes } from './routes/logo.js';
import { photoRoutes } from './routes/photo.js';
import { mediaRoutes } from './routes/media.js';
import { shortLinkRoutes } from './routes/shortlink.js';
import { souvenirPreviewRoutes } from './routes/souvenir-preview.js';
import { statusPageRoutes } from './routes/status-page.js';

export interface HttpServer {
  readonly server: http.Server;
  readonly url: string;
  readonly port: number;
  /** The metrics server (METRICS_PORT), apart from the public one. */
  readonly metricsUrl: string;
  /** The WebSocket server (operations and tests close sockets with it). */
  readonly wss: WebSocketServer;
  close(): Promise<void>;
}

/** CORS for the listed origins (`*`: any), reflected so credentials-free clients and preflights work. */
function corsFor(origins: readonly string[]): RequestHandler {
  return cors({
    origin: (origin, done) => done(null, origin !== undefined && (origins.includes('*') || origins.includes(origin))),
    allowedHeaders: ['Authorization', 'Content-Type', 'Apollo-Require-Preflight'],
    methods: ['GET', 'POST', 'PUT', 'OPTIONS'],
    maxAge: 600,
  });
}

/** Client errors (a bad body) answered as GraphQL-shaped JSON, never an HTML page or a stack trace. */
const bodyErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const type = (err as { type?: string }).type;
  if (type === 'entity.parse.failed') {
    res.status(400).json({
      errors: [
        { message: `Malformed JSON in request body: ${(err as Error).message}`, extensions: { code: 'BAD_REQUEST' } },
      ],
    });
  } else if (type === 'entity.too.large') {
    res.status(413).json({
      errors: [
        {
          // body-parser says which limit: the route's own (GraphQL's follows MAX_DOCUMENT_BYTES).
          message: `Request body is larger than the limit of ${(err as { limit?: number }).limit} bytes`,
          extensions: { code: 'PAYLOAD_TOO_LARGE' },
        },
      ],
    });
  } else {
    const status = Number((err as { status?: number }).status) || 500;
    // Anything unexpected goes on to unexpectedErrors: logged with its request id and sent to Sentry.
    if (status >= 500) return next(err);
    res.status(status).json({ errors: [{ message: (err as Error).message, extensions: { code: 'BAD_REQUEST' } }] });
  }
};

export interface HttpServerOptions {
  port: number;
  host: string;
  /** Serve /metrics on METRICS_PORT (default); an API process of a cluster leaves it to its primary. */
  metrics?: boolean;
}

export async function startHttpServer(app: AppContext, opts: HttpServerOptions): Promise<HttpServer> {
  const schema = await getSchema();
  const web = express();
  web.disable('x-powered-by');
  web.set('strict routing', true);
  web.set('case sensitive routing', true);
  // One notion of the caller's address for HTTP (req.ip) and the WebSocket upgrade.
  const trust = compileTrustProxy(app.config.trustProxy);
  web.set('trust proxy', trust);
  const server = http.createServer(web);
  // One budget per address for anonymous callers, whichever transport they use. It is kept in
  // memory, per process: in a cluster, where an address's connections go to each API process in
  // turn, each refills at its share of the rate, so together they allow what the setting says.
  // Each keeps the whole burst, so the costliest allowed operation can still run anywhere.
  const processes = cluster.isWorker ? app.config.apiProcesses : 1;
  const budget = createAddressBudget({
    perSecond: app.config.limits.anonymousCostPerSecond / processes,
    burst: app.config.limits.anonymousCostBurst,
  });
  const ws = attachGraphqlWs(app, schema, server, trust, budget, processes);
  const graphql = await createGraphqlHttp(app, schema, budget);

  if (cluster.isWorker) {
    // Which API process answered: operators (and tests) can see the connections spread.
    const pid = String(process.pid);
    web.use((_req, res, next) => (res.setHeader('X-Api-Process', pid), next()));
  }
  web.use(requestLog(app.log));
  web.use(corsFor(app.config.corsOrigins));
  web.use(healthRoutes(app));
  if (app.config.graphiql) {
    web.get('/graphiql', graphiqlHandler);
    web.get('/', (_req, res) => res.redirect('/graphiql'));
  }
  web.use('/graphql', ...graphql.handlers);
  web.use(twilioStatusRoutes(app));
  web.use(twilioInboundRoutes(app));
  web.use(photoRoutes(app));
  web.use(logoRoutes(app));
  web.use(mediaRoutes(app));
  web.use(shortLinkRoutes(app));
  web.use(souvenirPreviewRoutes(app));
  web.use(boardRoutes(app.config));
  web.use(statusPageRoutes(app));
  web.use(exportRoutes(app));
  web.use(lightingRoutes(app));
  web.use(reportRoutes(app));
  web.use(bodyErrors);
  web.use(unexpectedErrors());

  const port = await listen(server, opts.port, opts.host);
  const metrics =
    opts.metrics === false
      ? { url: `http://${loopbackOf(app.config.metrics.host)}:${app.config.metrics.port}`, close() {} }
      : await startMetricsServer(app).catch(async (err) => {
          await new Promise((resolve) => server.close(resolve));
          throw err;
        });
  return {
    server,
    port,
    wss: ws.wss,
    url: `http://${loopbackOf(opts.host)}:${port}`,
    metricsUrl: metrics.url,
    async close() {
      metrics.close();
      // Stop accepting, close sockets politely (1001 going away), then let in-flight requests finish.
      for (const client of ws.wss.clients) client.close(1001, 'Server shutting down');
      await ws.dispose();
      await new Promise<void>((resolve) => {
        // A keep-alive connection whose request was in flight turns idle only later: sweep it then,
        // rather than waiting out keepAliveTimeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 50);
        server.close(() => (clearInterval(sweep), resolve()));
        server.closeIdleConnections();
      });
      await graphql.apollo.stop();
    },
  };
}
