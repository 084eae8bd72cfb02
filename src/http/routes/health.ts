import { Router } from 'express';
import { appliedMigrationCount, shippedMigrationCount } from '../../db/migrate.js';
import { liveOf, type AppContext } from '../../context.js';

export function healthRoutes(app: AppContext): Router {
  const router = Router();
  // Liveness: the process answers. Readiness: the database answers and is migrated.
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      const applied = await appliedMigrationCount(app.database.primarySql);
      const shipped = shippedMigrationCount();
      if (applied < shipped) {
        res.status(503).json({ status: 'migrating', applied, shipped });
        return;
      }
      await app.database.read.execute('select 1');
      // Without its LISTEN connection this process would serve stale queues to subscribers.
      if (!liveOf(app).listener.connected) {
        res.status(503).json({ status: 'live updates reconnecting' });
        return;
      }
      res.json({ status: 'ready', migrations: applied });
    } catch (err) {
      app.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  return router;
}
