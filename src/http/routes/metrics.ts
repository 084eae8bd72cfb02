// GET /metrics: Prometheus text. The reverse proxy keeps it off the public side (compose/Caddyfile).
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../observability/metrics.js';

export function metricsRoutes(app: AppContext): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    const body = await renderMetrics(app);
    res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
    res.setHeader('Cache-Control', 'no-store');
    res.send(body);
  });
  return router;
}
