import { Router } from 'express';
import { appliedMigrationCount, shippedMigrationCount } from '../../db/migrate.js';
import { liveOf, type AppContext } from '../../context.js';
import { deliveryStatus } from '../../services/delivery-status.service.js';
import { STRICT_ROUTING } from './strict-routing.js';

export function healthRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  // Liveness: the process answers. Readiness: the database answers and is migrated; its detail
  // includes the delivery backlog and each outside provider's state.
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
      // Deliveries waiting for the internet do not make the server unready: the venue runs on its own.
      // Nor do dark lights: the game goes on, and the status says the booth needs a look.
      const lighting = app.lighting?.status();
      res.json({
        status: lighting?.degraded ? 'degraded' : 'ready',
        migrations: applied,
        deliveries: await deliveryStatus(app.database.db, app.now()),
        ...(lighting ? { lighting } : {}),
      });
    } catch (err) {
      app.log.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'database unavailable' });
    }
  });
  return router;
}
