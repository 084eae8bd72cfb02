// /metrics on a server of its own (METRICS_PORT, METRICS_HOST), on a port the proxy never forwards.
// Every process has one, API or worker: job figures are recorded where jobs run. A cluster's
// primary serves it for its API processes too (`render`); they serve none of their own.
import http from 'node:http';
import express from 'express';
import type { AppContext } from '../context.js';
import { listen, loopbackOf } from './listen.js';
import { metricsRoutes } from './routes/metrics.js';

export interface MetricsServer {
  readonly url: string;
  close(): void;
}

export async function startMetricsServer(app: AppContext, render?: () => Promise<string>): Promise<MetricsServer> {
  const web = express();
  web.disable('x-powered-by');
  web.use(metricsRoutes(app, render));
  const server = http.createServer(web);
  const { port: wanted, host } = app.config.metrics;
  const port = await listen(server, wanted, host);
  return {
    url: `http://${loopbackOf(host)}:${port}`,
    close() {
      server.close();
      server.closeAllConnections();
    },
  };
}
