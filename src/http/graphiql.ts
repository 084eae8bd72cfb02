// GraphiQL served whole by this server (everything inlined: no CDN), gzipped once and cached.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import type { Request, Response } from 'express';

const DEFAULT_QUERY = `# Sign in first: run the login mutation, then put the token in the Headers tab as
# { "Authorization": "Bearer <token>" }
mutation Login {
  login(username: "user", password: "") { token expiresAt account { username role } }
}

query Queue {
  queue { show { name date } version waiting { position game { id player { firstName } } } }
}
`;

let page: { html: Buffer; gzip: Buffer; etag: string } | undefined;

function build() {
  const html = Buffer.from(
    renderGraphiQL({
      endpoint: '/graphql',
      subscriptionsProtocol: 'WS',
      title: 'MLB Game Server — GraphiQL',
      defaultQuery: DEFAULT_QUERY,
      headers: JSON.stringify({ Authorization: 'Bearer ' }),
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
    }),
  );
  return { html, gzip: gzipSync(html, { level: 9 }), etag: `"${createHash('sha1').update(html).digest('base64url')}"` };
}

export function graphiqlHandler(req: Request, res: Response): void {
  page ??= build();
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.setHeader('Cache-Control', 'public, max-age=3600');
  res.setHeader('ETag', page.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  if (req.headers['if-none-match'] === page.etag) {
    res.status(304).end();
    return;
  }
  if (/\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
    res.setHeader('Content-Encoding', 'gzip');
    res.end(page.gzip);
  } else {
    res.end(page.html);
  }
}
