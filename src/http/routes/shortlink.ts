// /s/<code>: the built-in short links texted to players. A browser (it asks for HTML) gets the
// souvenir's share page; any other client is redirected to the image itself, as before. The page's
// "Save image" (/s/<code>/save) and share button (POST /s/<code>/shared) are counted for the report.
import { Router, type Request, type Response } from 'express';
import { publicBaseUrl } from '../../config.js';
import type { AppContext } from '../../context.js';
import { openShortLink, type LinkCounter, type LinkedSouvenir } from '../../services/shortlink.service.js';
import { DiskStorage } from '../../storage/disk.storage.js';
import { localMedia } from '../../storage/storage.js';
import { sendError } from './route-auth.js';
import { SHARE_PAGE_CSP, sharePageHtml } from './share-page.js';
import { STRICT_ROUTING } from './strict-routing.js';

export function shortLinkRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  const base = publicBaseUrl(app.config);

  async function open(req: Request, res: Response, counter: LinkCounter) {
    const code = String(req.params.code);
    const target = await openShortLink(app.database.db, code, counter);
    if (!target) {
      sendError(res, 404, 'NOT_FOUND', 'This link does not exist');
      return null;
    }
    if (target === 'gone') {
      sendError(res, 410, 'GONE', "What this link pointed to was deleted at the player's request");
      return null;
    }
    res.setHeader('Cache-Control', 'no-store');
    return target;
  }

  router.get('/s/:code', async (req, res) => {
    // Ask for HTML and get the page; a client that only takes */* or an image gets the image.
    const wantsPage = req.accepts(['image/png', 'text/html']) === 'text/html';
    const target = await open(req, res, 'hits');
    if (!target) return;
    if (target.kind === 'url' || !wantsPage) return res.redirect(302, target.url);
    const code = req.params.code;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', SHARE_PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Robots-Tag', 'noindex');
    res.end(
      sharePageHtml({
        firstName: target.firstName,
        showName: target.showName,
        pageUrl: `${base}/s/${code}`,
        imageUrl: target.url,
        imagePath: `/media/${target.key}`,
        storyPath: target.storyKey ? `/media/${target.storyKey}` : null,
        savePath: `/s/${code}/save`,
        saveStoryPath: `/s/${code}/save?size=story`,
        sharedPath: `/s/${code}/shared`,
      }),
    );
  });

  router.get('/s/:code/save', async (req, res, next) => {
    try {
      const target = await open(req, res, 'saves');
      if (!target) return;
      if (target.kind === 'url') return res.redirect(302, target.url);
      const story = req.query.size === 'story' && target.storyKey;
      const bytes = await readSouvenir(story ? target.storyKey! : target.key);
      if (!bytes) return sendError(res, 404, 'NOT_FOUND', 'No such file');
      res.setHeader('Content-Type', 'image/png');
      res.setHeader('Content-Disposition', `attachment; filename="${story ? 'souvenir-story.png' : 'souvenir.png'}"`);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.end(bytes);
    } catch (err) {
      next(err);
    }
  });

  router.post('/s/:code/shared', async (req, res) => {
    const target = await open(req, res, 'shares');
    if (target) res.status(204).end();
  });

  /** Local disk first (every souvenir is kept there first), then the store (S3). */
  async function readSouvenir(key: LinkedSouvenir['key']): Promise<Buffer | null> {
    const local = app.storage instanceof DiskStorage ? app.storage : localMedia(app.config);
    const here = await local.get(key);
    if (here) return here.bytes;
    if (app.storage instanceof DiskStorage) return null;
    return (await app.storage.get(key))?.bytes ?? null;
  }

  return router;
}
