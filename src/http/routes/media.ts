// /media/<key>: souvenirs and photos kept on local disk (all of them without S3; with S3, the
// souvenirs rendered here before their upload). Keys are unique per upload or render, so the files
// are cached for a year.
import { Router } from 'express';
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
          if (!res.headersSent) sendError(res, 404, 'NOT_FOUND', 'No such file');
        } else next(err);
      },
    );
  });
  return router;
}
