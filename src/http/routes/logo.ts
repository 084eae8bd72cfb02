// PUT /shows/:id/logo: a show's logo for its souvenirs, the raw image as the body (PNG or SVG, at
// most 1 MiB, ADMIN). Checked and prepared once (an SVG is checked for scripts, handlers and
// outside references, then drawn to a PNG), stored like photos. DELETE removes it. Every refusal
// stores nothing.
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { eq } from 'drizzle-orm';
import { shows } from '../../db/schema.js';
import { callContext, type AppContext } from '../../context.js';
import { MAX_LOGO_BYTES } from '../../domain/souvenir.js';
import { setShowLogo } from '../../services/show.service.js';
import { LogoError, prepareLogo } from '../../souvenir/photo.js';
import { randomKey } from '../../storage/storage.js';
import { authorize, pathId, sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

const tooLarge: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large')
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `A logo may be at most ${MAX_LOGO_BYTES / 1024} KiB`);
  if (type === 'request.aborted') return sendError(res, 400, 'BAD_REQUEST', 'The upload was interrupted');
  next(err);
};

export function logoRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  const rawBody = express.raw({ type: () => true, limit: MAX_LOGO_BYTES });

  const checkTarget: RequestHandler<{ id: string }> = async (req, res, next) => {
    const viewer = await authorize(app, req, res, ['ADMIN']);
    if (!viewer) return;
    const id = pathId(req.params.id);
    const [show] = id ? await app.database.db.select({ id: shows.id }).from(shows).where(eq(shows.id, id)) : [];
    if (!show) return sendError(res, 404, 'NOT_FOUND', `Show ${req.params.id} not found`);
    res.locals.showId = show.id;
    res.locals.actor = viewer.username;
    next();
  };

  const replace = async (res: express.Response, key: string | null) => {
    const c = callContext(app, res.locals.actor as string);
    const { show, replaced } = await setShowLogo(c, res.locals.showId as number, key);
    if (replaced)
      await app.storage.delete(replaced).catch((err) => app.log.warn({ err, key: replaced }, 'old logo not deleted'));
    app.log.info({ showId: show.id, key, replaced }, key ? 'show logo stored' : 'show logo removed');
    res.status(200).json({ id: String(show.id), logoUrl: key ? app.storage.urlFor(key) : null });
  };

  const store: RequestHandler = async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let png: Buffer;
    try {
      png = await prepareLogo(body);
    } catch (err) {
      if (err instanceof LogoError) return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', err.message);
      throw err;
    }
    const key = randomKey('logos', 'png');
    await app.storage.put(key, png, 'image/png');
    await replace(res, key);
  };

  router.put('/shows/:id/logo', checkTarget, rawBody, store, tooLarge);
  router.delete('/shows/:id/logo', checkTarget, (_req, res) => replace(res, null));
  return router;
}
