// /p/<token>: a player's own status page, linked from their texts ({link}). Served whole from here
// (page, script, styles; fonts from the board's route): nothing is loaded from elsewhere. An
// unknown token gets a friendly 404 page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Router, type Response } from 'express';
import type { AppContext } from '../../context.js';
import { gameByToken } from '../../services/player-status.service.js';
import { STRICT_ROUTING } from './strict-routing.js';

const here = path.dirname(fileURLToPath(import.meta.url));

const CSP =
  "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

function headers(res: Response, type: string, cache: string) {
  res.setHeader('Content-Type', type);
  res.setHeader('Cache-Control', cache);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  // The token in the address is the key to the page: it must not leave in a Referer.
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Robots-Tag', 'noindex');
}

export function statusPageRoutes(app: AppContext): Router {
  const file = (name: string) => readFileSync(path.join(here, 'status', name));
  const page = file('status.html');
  const notFound = file('not-found.html');
  const assets: Record<string, { body: Buffer; type: string }> = {
    'status.js': { body: file('status.js'), type: 'text/javascript; charset=utf-8' },
    'status.css': { body: file('status.css'), type: 'text/css; charset=utf-8' },
  };

  const router = Router(STRICT_ROUTING);
  router.get('/p/:token', async (req, res) => {
    headers(res, 'text/html; charset=utf-8', 'no-store');
    res.setHeader('Content-Security-Policy', CSP);
    const game = await gameByToken(app.database.read, req.params.token);
    res.status(game ? 200 : 404).end(game ? page : notFound);
  });
  router.get('/status/:name', (req, res, next) => {
    const a = assets[req.params.name];
    if (!a) return next();
    headers(res, a.type, 'public, max-age=300');
    res.end(a.body);
  });
  return router;
}
