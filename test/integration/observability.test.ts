// /metrics over real HTTP after real operations, Sentry through its real SDK to a local fake
// ingest endpoint, and job log lines carrying the job id.
import { Writable } from 'node:stream';
import pino from 'pino';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { toClientError } from '../../src/graphql/errors.js';
import { createLogger } from '../../src/log.js';
import { operationLabel } from '../../src/observability/apollo-metrics.js';
import { jobLogger } from '../../src/observability/metrics.js';
import { initSentry } from '../../src/observability/sentry.js';
import { parse, getOperationAST } from 'graphql';
import { startSentryFake } from '../fakes/sentry.fake.js';
import { seedShow, SIGN_UP } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

/** The value of one sample line, e.g. sample(text, 'mlb_sms_messages{status="queued"}'). */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics', async () => {
  // No worker: the welcome SMS stays queued, so its job and message are there to count.
  const server = await useTestServer({ worker: false });
  const scrape = async () => {
    const res = await fetch(`${server.app.http!.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  it('counts operations by root field and outcome, and errors by code', async () => {
    const before = await scrape();
    const failedLogins =
      sample(before, 'mlb_graphql_requests_total{operation="login",type="mutation",outcome="error"}') ?? 0;
    const unauthenticated = sample(before, 'mlb_graphql_errors_total{code="UNAUTHENTICATED"}') ?? 0;

    const bad = await server.gql('mutation Whatever { login(username: "user", password: "wrong-password") { token } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await server.token('ADMIN');
    await server.gql('{ shows { id } }');

    const after = await scrape();
    expect(sample(after, 'mlb_graphql_requests_total{operation="login",type="mutation",outcome="error"}')).toBe(
      failedLogins + 1,
    );
    expect(
      sample(after, 'mlb_graphql_requests_total{operation="login",type="mutation",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(after, 'mlb_graphql_requests_total{operation="shows",type="query",outcome="ok"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'mlb_graphql_errors_total{code="UNAUTHENTICATED"}')).toBe(unauthenticated + 1);
    expect(
      sample(after, 'mlb_graphql_request_duration_seconds_count{operation="shows",type="query"}'),
    ).toBeGreaterThanOrEqual(1);
    // The client's operation name ("Whatever") is not a label: only schema field names are.
    expect(after).not.toContain('Whatever');
  });

  it('reads jobs by queue and state, SMS by status and connections from the database at scrape time', async () => {
    await seedShow(server);
    const before = await scrape();
    const queuedSms = sample(before, 'mlb_sms_messages{status="queued"}')!;
    const createdJobs = sample(before, 'mlb_jobs{queue="sms",state="created"}')!;
    expect(queuedSms).toBeTypeOf('number');

    const r = await server.gql(
      SIGN_UP,
      { input: { firstName: 'Ada', handedness: 'RIGHT', mobileNumber: '+12025550123' } },
      await server.token('TABLET'),
    );
    expect(r.errors).toBeUndefined();

    const after = await scrape();
    expect(sample(after, 'mlb_sms_messages{status="queued"}')).toBe(queuedSms + 1);
    expect(sample(after, 'mlb_jobs{queue="sms",state="created"}')).toBe(createdJobs + 1);
    expect(sample(after, 'mlb_jobs{queue="souvenir",state="failed"}')).toBe(0);
    expect(sample(after, 'mlb_db_up{database="primary"}')).toBe(1);
    expect(after).toMatch(/^mlb_db_connections\{database="primary",pool="mlb-game-server",state="\w+"\} [1-9]/m);
    expect(after).toMatch(/^mlb_process_resident_memory_bytes \d+/m);
  });

  it('reports the open subscriptions of this process, read from its live hub', async () => {
    await seedShow(server);
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const started = new Promise<void>((resolve, reject) => {
      socket.on('message', (raw) => {
        const msg = JSON.parse(String(raw));
        if (msg.type === 'connection_ack') {
          // Two identical subscriptions share one execution.
          for (const id of ['a', 'b'])
            socket.send(
              JSON.stringify({
                id,
                type: 'subscribe',
                payload: { query: 'subscription { queueChanged { version } }' },
              }),
            );
        }
        if (msg.type === 'next' && msg.id === 'b') resolve();
        if (msg.type === 'error') reject(new Error(JSON.stringify(msg.payload)));
      });
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    await started;
    const open = await scrape();
    expect(sample(open, 'mlb_subscriptions_active')).toBe(2);
    expect(sample(open, 'mlb_subscription_executions')).toBe(1);
    socket.close();
    await new Promise((r) => socket.once('close', r));
    let closed = open;
    for (let i = 0; i < 50 && sample(closed, 'mlb_subscriptions_active') !== 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      closed = await scrape();
    }
    expect(sample(closed, 'mlb_subscriptions_active')).toBe(0);
    for (let i = 0; i < 50 && sample(closed, 'mlb_subscription_executions') !== 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      closed = await scrape();
    }
    expect(sample(closed, 'mlb_subscription_executions')).toBe(0);
  });
});

describe('operation labels', () => {
  const label = (q: string) => operationLabel(getOperationAST(parse(q)));
  it('are the sorted root fields, capped at three', () => {
    expect(label('query Anything { teams { id } shows { id } }')).toBe('shows,teams');
    expect(label('{ a: shows { id } b: teams { id } queue { version } leaderboard { id } }')).toBe(
      'leaderboard,queue,shows,…',
    );
    expect(operationLabel(null)).toBe('invalid');
  });
});

describe('Sentry', () => {
  it('sends unexpected errors, with the release, to the DSN; domain errors are not sent', async () => {
    const ingest = await startSentryFake();
    afterAll(() => ingest.close());

    const config = loadConfig({
      env: {
        NODE_ENV: 'test',
        SENTRY_DSN: ingest.dsn,
        GIT_SHA: 'abc1234',
        DATA_DIR: '.data/test',
      },
      secretsDir: '/nonexistent',
    });
    const log = createLogger('silent');
    const sentry = await initSentry(config, log);

    const answer = toClientError({ message: 'kaput-7f3a' }, new Error('kaput-7f3a'), log);
    expect(answer).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const { NotFoundError } = await import('../../src/domain/errors.js');
    toClientError({ message: 'nope' }, new NotFoundError('Game', 1), log);
    await sentry.flush();

    const events = ingest.events();
    expect(events).toHaveLength(1);
    expect(events[0]).toContain('kaput-7f3a');
    expect(events[0]).toContain('"release":"abc1234"');
    expect(events[0]).toContain('"environment":"test"');
  });
});

describe('job logs', () => {
  it('carry the job id and queue on every line', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const log = pino({ level: 'info' }, sink);
    jobLogger(log, { id: 'job-123', name: 'souvenir' }).info({ gameId: 9 }, 'rendered');
    expect(JSON.parse(lines[0]!)).toMatchObject({ jobId: 'job-123', queue: 'souvenir', gameId: 9, msg: 'rendered' });
  });
});
