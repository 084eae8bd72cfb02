// /board: the booth's big-screen queue board. Everything it needs is served from here (page,
// script, styles, fonts from the installed @fontsource packages): the screen never reaches the internet.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../../config.js';
import { STRICT_ROUTING } from './strict-routing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  etag: string;
  type: string;
}

function asset(body: Buffer, type: string): Asset {
  const compressible = !type.startsWith('font/');
  return {
    body,
    gzip: compressible ? gzipSync(body) : null,
    etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
    type,
  };
}

function send(req: Request, res: Response, a: Asset, cache: string): void {
  res.setHeader('Content-Type', a.type);
  res.setHeader('Cache-Control', cache);
  res.setHeader('ETag', a.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.headers['if-none-match'] === a.etag) {
    res.status(304).end();
    return;
  }
  if (a.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(a.gzip);
  } else {
    res.end(a.body);
  }
}

const escapeAttr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

export function boardRoutes(config: Config): Router {
  const file = (name: string) => readFileSync(path.join(here, 'board', name));
  const html = file('board.html')
    .toString()
    .replace('{{RECALL_MINUTES}}', String(config.recall.windowMinutes))
    .replace('{{TIME_ZONE}}', escapeAttr(config.timeZone));
  const page = asset(Buffer.from(html), 'text/html; charset=utf-8');
  const files: Record<string, Asset> = {
    'board.js': asset(file('board.js'), 'text/javascript; charset=utf-8'),
    'board.css': asset(file('board.css'), 'text/css; charset=utf-8'),
    // graphql-ws's own browser build: the board speaks the protocol through the maintained client.
    'graphql-ws.js': asset(
      // Not in the package's exports map: found next to its entry point.
      readFileSync(path.join(path.dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js')),
      'text/javascript; charset=utf-8',
    ),
    'fonts/oswald-700.woff2': asset(
      readFileSync(require.resolve('@fontsource/oswald/files/oswald-latin-700-normal.woff2')),
      'font/woff2',
    ),
    'fonts/inter-500.woff2': asset(
      readFileSync(require.resolve('@fontsource/inter/files/inter-latin-500-normal.woff2')),
      'font/woff2',
    ),
  };

  const router = Router(STRICT_ROUTING);
  router.get('/board', (req, res) => {
    // Only our own origin: a screen at a public event must not load or leak anything elsewhere.
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'; font-src 'self'; base-uri 'none'; frame-ancestors 'self'",
    );
    send(req, res, page, 'no-cache');
  });
  router.get('/board/*name', (req, res, next) => {
    const name = ([] as string[]).concat((req.params as { name: string | string[] }).name).join('/');
    const a = files[name];
    if (!a) return next();
    send(req, res, a, 'public, max-age=300');
  });
  return router;
}
