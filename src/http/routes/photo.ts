// PUT /players/:id/photo: the raw image as the body (JPEG, PNG or WebP, at most 10 MB), checked
// by its bytes, prepared once for the souvenir and stored. Every refusal stores nothing.
import { eq } from 'drizzle-orm';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { players } from '../../db/schema.js';
import { callContext, type AppContext } from '../../context.js';
import { NotFoundError } from '../../domain/errors.js';
import { setPlayerPhoto } from '../../services/player.service.js';
import { MAX_PHOTO_BYTES, preparePhoto, sniffImageType, UndecodablePhotoError } from '../../souvenir/photo.js';
import { randomKey } from '../../storage/storage.js';
import { authorize, pathId, sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

const UPLOAD_ROLES = ['TABLET', 'STAFF'] as const;

const uploadErrors: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  const type = (err as { type?: string }).type;
  if (type === 'entity.too.large')
    return sendError(res, 413, 'PAYLOAD_TOO_LARGE', `A photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB`);
  if (type === 'request.aborted') return sendError(res, 400, 'BAD_REQUEST', 'The upload was interrupted');
  next(err);
};

export function photoRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  const storage = app.storage;
  // Any Content-Type: the bytes decide what the file is.
  const rawBody = express.raw({ type: () => true, limit: MAX_PHOTO_BYTES });

  const checkTarget: RequestHandler<{ id: string }> = async (req, res, next) => {
    // Who and which player first, so a refused upload is never read or stored.
    if (!(await authorize(app, req, res, UPLOAD_ROLES))) return;
    const id = pathId(req.params.id);
    const [player] = id ? await app.database.db.select({ id: players.id }).from(players).where(eq(players.id, id)) : [];
    if (!player) return sendError(res, 404, 'NOT_FOUND', `Player ${req.params.id} not found`);
    res.locals.playerId = player.id;
    next();
  };

  const store: RequestHandler = async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const type = sniffImageType(body);
    if (!type) return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'The photo must be a JPEG, PNG or WebP image');
    let prepared: Buffer;
    try {
      prepared = await preparePhoto(body);
    } catch (err) {
      if (err instanceof UndecodablePhotoError) return sendError(res, 400, 'BAD_REQUEST', err.message);
      throw err;
    }
    const playerId = res.locals.playerId as number;
    const key = randomKey('photos', 'jpg');
    const photoUrl = await storage.put(key, prepared, 'image/jpeg');
    let updated;
    try {
      updated = await setPlayerPhoto(callContext(app, null), playerId, { key, url: photoUrl });
    } catch (err) {
      if (err instanceof NotFoundError) return sendError(res, 404, 'NOT_FOUND', err.message);
      throw err;
    }
    app.log.info({ playerId, key, type, bytes: body.length, stored: prepared.length }, 'player photo stored');
    res.status(200).json({ id: String(updated.id), photoUrl: updated.photoUrl });
  };

  router.put('/players/:id/photo', checkTarget, rawBody, store, uploadErrors);
  return router;
}
