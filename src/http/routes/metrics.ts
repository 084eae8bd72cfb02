// GET /metrics: Prometheus text, on the metrics port only (METRICS_PORT), which the proxy does not forward.
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../observability/metrics.js';
import { STRICT_ROUTING } from './strict-routing.js';

export function metricsRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.get('/metrics', async (_req, res) => {
    const body = await renderMetrics(app);
    res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  });
  return router;
}
