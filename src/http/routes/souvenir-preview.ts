// GET /games/:id/souvenir.png (?size=story for the 1080×1920 one): the souvenir as it would render
// now, for staff; nothing is stored.
import { Router } from 'express';
import { callContext, type AppContext } from '../../context.js';
import { loadSubject, renderSubject } from '../../services/souvenir.service.js';
import { authorize, pathId, sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

export function souvenirPreviewRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.get('/games/:id/souvenir.png', async (req, res) => {
    const viewer = await authorize(app, req, res, ['STAFF']);
    if (!viewer) return;
    const id = pathId(req.params.id);
    const subject = id ? await loadSubject(app.database.db, id) : null;
    if (!subject) return sendError(res, 404, 'NOT_FOUND', `Game ${req.params.id} not found`);
    const size = req.query.size === 'story' ? 'story' : 'square';
    // Both sizes, on a render thread like the job's: the request never holds the event loop.
    const { png, timings } = (await renderSubject(callContext(app, viewer.username), subject))[size];
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader(
      'Server-Timing',
      Object.entries(timings)
        .map(([k, v]) => `${k.replace(/Ms$/, '')};dur=${v.toFixed(1)}`)
        .join(', '),
    );
    res.end(png);
  });
  return router;
}
