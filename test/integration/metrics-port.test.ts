// /metrics is served on its own port (METRICS_PORT), never on the public one the proxy forwards,
// and the public routes match exactly: no trailing slash or other case reaches a route.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SIGN_UP, seedShow } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const server = await useTestServer({ worker: false });
// A worker-only process on the same database, as compose runs it.
const worker = await useTestServer({ api: false, worker: true, database: server.db });
const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

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

describe('a worker-only process', () => {
  it('serves its own metrics, where the job runs and durations it records can be scraped', async () => {
    expect(worker.app.http).toBeUndefined();
    await seedShow(server);
    const r = await server.gql(
      SIGN_UP,
      { input: { firstName: 'Wendy', handedness: 'RIGHT', mobileNumber: '+12025550188' } },
      await server.token('TABLET'),
    );
    expect(r.errors).toBeUndefined();
    let text = '';
    for (let i = 0; i < 100 && !/^mlb_job_runs_total\{queue="sms",outcome="completed"\} [1-9]/m.test(text); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape(worker.app.metricsUrl);
    }
    expect(text).toMatch(/^mlb_job_runs_total\{queue="sms",outcome="completed"\} [1-9]/m);
    expect(text).toMatch(/^mlb_job_duration_seconds_count\{queue="sms"\} [1-9]/m);
    expect(worker.app.metricsUrl).not.toBe(server.app.metricsUrl);
  });
});

describe('the committed dashboard and alert rules', () => {
  it('name only metrics the API or the worker exports', async () => {
    const exported = new Set(
      [await scrape(server.app.metricsUrl), await scrape(worker.app.metricsUrl)].flatMap((t) =>
        [...t.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!),
      ),
    );
    const files = ['compose/monitoring/alerts.yml', 'compose/monitoring/grafana/dashboards/mlb-game-server.json'];
    const used = new Set(
      files.flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/\b(mlb_[a-z0-9_]+)/g)].map((m) =>
          m[1]!.replace(/_(bucket|count|sum)$/, ''),
        ),
      ),
    );
    expect(used.size).toBeGreaterThanOrEqual(10);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
  });
});
