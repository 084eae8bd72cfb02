// GraphiQL served whole by this server (everything inlined: no CDN), gzipped once and cached.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { BOOTH_OPERATIONS, SESSION_TOKEN_SCRIPT } from './graphiql-operations.js';

let page: Promise<{ html: Buffer; gzip: Buffer; etag: string }> | undefined;

// The page inlines all of GraphiQL (≈9 MB): loaded on the first visit, not by every process at start.
async function build() {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const rendered = renderGraphiQL({
    endpoint: '/graphql',
    subscriptionsProtocol: 'WS',
    title: 'MLB Game Server — GraphiQL',
    defaultQuery: BOOTH_OPERATIONS[0]!.query,
    defaultTabs: [...BOOTH_OPERATIONS],
    headers: JSON.stringify({ Authorization: 'Bearer ' }),
    isHeadersEditorEnabled: true,
    // The token lives in sessionStorage (SESSION_TOKEN_SCRIPT), not in GraphiQL's localStorage.
    shouldPersistHeaders: false,
  });
  const marker = '<div id="root"></div>';
  if (!rendered.includes(marker)) throw new Error('GraphiQL page without its root element');
  const html = Buffer.from(rendered.replace(marker, `${marker}\n<script>${SESSION_TOKEN_SCRIPT}</script>`));
  return { html, gzip: gzipSync(html, { level: 9 }), etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
}

export async function graphiqlHandler(req: Request, res: Response): Promise<void> {
  page ??= build();
  const { html, gzip, etag } = await page;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.setHeader('ETag', etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === etag) {
    res.status(304).end();
    return;
  }
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(gzip);
  } else {
    res.end(html);
  }
}
