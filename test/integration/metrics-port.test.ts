// /metrics is served on its own port (METRICS_PORT), never on the public one the proxy forwards,
// and the public routes match exactly: no trailing slash or other case reaches a route.
import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.js';

const server = await useTestServer({ worker: false });

describe('metrics', () => {
  it('are not served on the public port under any spelling', async () => {
    for (const path of ['/metrics', '/metrics/', '/Metrics/', '/METRICS', '/Metrics', '/metrics?x=1', '//metrics']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain('mlb_graphql_requests_total');
    }
  });

  it('are served on the metrics port', async () => {
    const res = await fetch(`${server.app.http!.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('# TYPE mlb_graphql_requests_total counter');
  });

  it('public routes are strict and case-sensitive', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/healthz/`)).status).toBe(404);
    expect((await fetch(`${server.url}/HEALTHZ`)).status).toBe(404);
    expect((await fetch(`${server.url}/Board`)).status).toBe(404);
  });
});
