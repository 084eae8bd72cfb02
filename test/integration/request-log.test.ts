// Request ids, the access log and unexpected route errors: through the real server for the ids,
// and through the same middleware around a failing route for the error path (logged with the
// request id, sent to Sentry through its real SDK to a local ingest fake).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { requestLog, unexpectedErrors } from '../../src/http/request-log.js';
import { initSentry } from '../../src/observability/sentry.js';
import { startSentryFake } from '../fakes/sentry.fake.js';
import { useTestServer } from '../helpers/server.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request ids', async () => {
  const server = await useTestServer({ worker: false });

  it('are returned in X-Request-Id, taken from the proxy when it sent a sane one', async () => {
    const plain = await fetch(`${server.url}/healthz`);
    expect(plain.headers.get('x-request-id')).toMatch(UUID);
    const other = await fetch(`${server.url}/healthz`);
    expect(other.headers.get('x-request-id')).not.toBe(plain.headers.get('x-request-id'));

    const proxied = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'caddy-7f3a.1' },
      body: JSON.stringify({ query: '{ shows { id } }' }),
    });
    expect(proxied.headers.get('x-request-id')).toBe('caddy-7f3a.1');
    const odd = await fetch(`${server.url}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(odd.headers.get('x-request-id')).toMatch(UUID);
  });
});

describe('unexpected route errors', () => {
  it('are logged with the request id, answered as JSON with it, and sent to Sentry', async () => {
    const ingest = await startSentryFake();
    afterAll(() => ingest.close());
    const config = loadConfig({
      env: { NODE_ENV: 'test', SENTRY_DSN: ingest.dsn, DATA_DIR: '.data/test' },
      secretsDir: '/nonexistent',
    });
    const lines: Array<Record<string, any>> = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
    const log = pino({ level: 'info' }, sink);
    const sentry = await initSentry(config, log);

    const web = express();
    web.use(requestLog(log));
    web.get('/export', async () => {
      throw new Error('disk on fire 41c2');
    });
    web.get('/fine', (_req, res) => res.json({ ok: true }));
    web.use(unexpectedErrors());
    const server = http.createServer(web);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    afterAll(() => new Promise<void>((r) => server.close(() => r())));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const res = await fetch(`${base}/export?show=1`);
    expect(res.status).toBe(500);
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(UUID);
    expect(await res.json()).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }],
    });
    await fetch(`${base}/fine`);
    await sentry.flush();

    const failed = lines.find((l) => l.msg === 'request failed');
    expect(failed).toMatchObject({ level: 50, requestId, path: '/export', err: { message: 'disk on fire 41c2' } });
    const access = lines.filter((l) => l.msg === 'request');
    expect(access.map((l) => [l.path, l.status])).toEqual([
      ['/export', 500],
      ['/fine', 200],
    ]);
    expect(access[0]).toMatchObject({ requestId, method: 'GET', ms: expect.any(Number) });
    expect(JSON.stringify(access)).not.toContain('show=1');
    const events = ingest.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toContain('disk on fire 41c2');
    expect(events[0]).toContain(requestId!);
  });
});
