// GET /metrics: Prometheus text, on the metrics port only (METRICS_PORT), which the proxy does not forward.
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../observability/metrics.js';
import { STRICT_ROUTING } from './strict-routing.js';

/** `render` gives the page (default: this process's figures). */
export function metricsRoutes(app: AppContext, render: () => Promise<string> = () => renderMetrics(app)): Router {
  const router = Router(STRICT_ROUTING);
  router.get('/metrics', async (_req, res) => {
    const body = await render();
    res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  });
  return router;
}
