// /s/<code>: the built-in short links texted to players.
import { Router } from 'express';
import type { AppContext } from '../../context.js';
import { followShortLink } from '../../services/shortlink.service.js';
import { sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

export function shortLinkRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.get('/s/:code', async (req, res) => {
    const url = await followShortLink(app.database.db, req.params.code);
    if (!url) return sendError(res, 404, 'NOT_FOUND', 'This link does not exist');
    if (url === 'gone')
      return sendError(res, 410, 'GONE', "What this link pointed to was deleted at the player's request");
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, url);
  });
  return router;
}
