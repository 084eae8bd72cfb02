// GET /metrics: Prometheus text. The reverse proxy keeps it off the public side (compose/Caddyfile).
import { Router } from 'express';
import type { Deps } from '../deps.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../observability/metrics.js';

export function metricsRoutes(deps: Deps): Router {
  const router = Router();
  router.get('/metrics', async (_req, res, next) => {
    try {
      const body = await renderMetrics(deps);
      res.setHeader('Content-Type', METRICS_CONTENT_TYPE);
      res.setHeader('Cache-Control', 'no-store');
      res.send(body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
