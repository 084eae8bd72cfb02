// /media/<key>: souvenirs and photos. Local disk first (every file without S3; with S3, the
// souvenirs rendered here before their upload), then the private S3 bucket, read with the
// server's credentials. Keys are unguessable and unique per upload or render: cached for a year.
import { Router, type NextFunction, type Response } from 'express';
import type { AppContext } from '../../context.js';
import { DiskStorage } from '../../storage/disk.storage.js';
import { KEY_PATTERN, localMedia } from '../../storage/storage.js';
import { sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

export function mediaRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  const storage = app.storage instanceof DiskStorage ? app.storage : localMedia(app.config);
  router.get('/media/*key', (req, res, next) => {
    const key = ([] as string[]).concat((req.params as { key?: string | string[] }).key ?? []).join('/');
    if (!KEY_PATTERN.test(key)) return sendError(res, 404, 'NOT_FOUND', 'No such file');
    // Relative to the media root: parent folders (e.g. `.data`) are not the file's business.
    res.sendFile(
      key,
      {
        root: storage.root,
        maxAge: '365d',
        immutable: true,
        dotfiles: 'deny',
        headers: { 'X-Content-Type-Options': 'nosniff' },
      },
      (err) => {
        if (!err) return;
        // A folder (EISDIR) or a path through a file (ENOTDIR) is no file either.
        const code = (err as NodeJS.ErrnoException).code;
        if (
          (err as { status?: number }).status === 404 ||
          code === 'ENOENT' ||
          code === 'EISDIR' ||
          code === 'ENOTDIR'
        ) {
          if (res.headersSent) return;
          if (app.storage instanceof DiskStorage || code === 'EISDIR' || code === 'ENOTDIR')
            return sendError(res, 404, 'NOT_FOUND', 'No such file');
          void sendStored(key, res, next);
        } else next(err);
      },
    );
  });
  // S3: the object is read with the server's credentials, so the bucket never needs public access.
  async function sendStored(key: string, res: Response, next: NextFunction) {
    try {
      const object = await app.storage.get(key);
      if (!object) return sendError(res, 404, 'NOT_FOUND', 'No such file');
      res.setHeader('Content-Type', object.contentType);
      res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.send(object.bytes);
    } catch (err) {
      next(err);
    }
  }

  return router;
}
