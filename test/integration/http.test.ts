import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';

const server = await useTestServer({ worker: false });

describe('HTTP surface', () => {
  it('answers malformed JSON with 400 and a clear JSON error', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ me { username } }"',
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].message).toMatch(/^Malformed JSON in request body/);
  });

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify({ query: `{ me { username } }`, variables: { pad: 'x'.repeat(1_100_000) } });
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('blocks simple cross-site GET requests (CSRF prevention)', async () => {
    const res = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ me { username } }')}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/CSRF/i);
  });

  it('answers a syntax error without a stack trace', async () => {
    const r = await server.gql('{ me { ');
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(JSON.stringify(r.errors)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  it('serves health and readiness', async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await (await fetch(`${server.url}/readyz`)).json();
    expect(ready.status).toBe('ready');
    expect(ready.migrations).toBeGreaterThan(0);
  });
});

describe('GraphiQL', () => {
  it('is served compressed and cached, with nothing loaded from outside this server', async () => {
    const res = await fetch(`${server.url}/graphiql`, {
      headers: { 'accept-encoding': 'gzip' },
      decompress: false,
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    // fetch may already have decompressed; either way we read the HTML.
    const raw = Buffer.from(await res.arrayBuffer());
    const html = raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString() : raw.toString();
    expect(html).toMatch(/graphiql/i);
    const external = [
      ...html.matchAll(/\b(?:src|href)\s*=\s*["']?((?:https?:)?\/\/[^"'\s>]+)/gi),
      ...html.matchAll(/url\(\s*["']?((?:https?:)?\/\/[^"')]+)/gi),
      ...html.matchAll(/\bimport\s*(?:\(|[^;'"]*from\s*)\s*["']((?:https?:)?\/\/[^"']+)/gi),
      ...html.matchAll(/<link[^>]+href=["']?(https?:[^"'\s>]+)/gi),
    ]
      .map((m) => m[1])
      .filter((u) => !/^(?:https?:)?\/\/(127\.0\.0\.1|localhost)/.test(u!));
    expect(external).toEqual([]);
    const again = await fetch(`${server.url}/graphiql`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });
});
