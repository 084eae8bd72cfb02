// defineWorker through real pg-boss: a malformed payload is dropped (never retried, counted as
// skipped, the handler never called); a thrown error is retried, counted and reported to Sentry;
// a RetryLater is retried without a report; the handler's log lines carry the job id.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.js';
import { defineJob, DEFAULT_JOB_SETTINGS, QUEUES } from '../../src/jobs/registry.js';
import { createLogger } from '../../src/log.js';
import { registry } from '../../src/observability/metrics.js';
import { initSentry } from '../../src/observability/sentry.js';
import { defineWorker, RetryLater } from '../../workers/define-worker.js';
import { WORKERS } from '../../workers/index.js';
import { waitFor } from '../helpers/fixtures.js';
import { startSentryFake } from '../fakes/sentry.fake.js';
import { useTestServer } from '../helpers/server.js';

const ingest = await startSentryFake();
afterAll(() => ingest.close());
const sentry = await initSentry(
  loadConfig({
    env: { NODE_ENV: 'test', SENTRY_DSN: ingest.dsn, DATA_DIR: '.data/test' },
    secretsDir: '/nonexistent',
  }),
  createLogger('silent'),
);

const server = await useTestServer({ api: false, worker: false });
const boss = server.app.context.boss;

interface LogLine {
  level: number;
  msg?: string;
  jobId?: string;
  [field: string]: unknown;
}
const lines: LogLine[] = [];
const log = pino(
  { level: 'debug' },
  new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk)) as LogLine), done()) }),
);
const linesOf = (jobId: string | null) => lines.filter((l) => l.jobId === jobId);

const probeJob = defineJob({
  name: 'define-worker-probe',
  payload: z.object({ n: z.number().int(), fail: z.enum(['never', 'unexpected', 'retry-later']) }),
  queueSettings: () => ({ retryLimit: 2, retryDelay: 0 }),
});
await boss.createQueue(probeJob.name, probeJob.queueSettings(DEFAULT_JOB_SETTINGS));

const calls: Array<{ n: number; retryCount: number }> = [];
await defineWorker(
  probeJob,
  async (call, { n, fail }, job) => {
    calls.push({ n, retryCount: job.retryCount });
    call.log.info({ n }, 'probe handled');
    if (job.retryCount > 0 || fail === 'never') return;
    if (fail === 'unexpected') throw new Error(`unexpected-${n}`);
    throw new RetryLater(`provider busy ${n}`);
  },
  { pollingIntervalSeconds: 0.5 },
).start({ ...server.app.context, log });

async function runs(outcome: string): Promise<number> {
  const metric = await registry.getSingleMetric('mlb_job_runs_total')!.get();
  return metric.values.find((v) => v.labels.queue === probeJob.name && v.labels.outcome === outcome)?.value ?? 0;
}

async function settled(id: string | null) {
  return waitFor(
    async () => {
      const job = await boss.getJobById(probeJob.name, id!);
      return job?.state === 'completed' || job?.state === 'failed' ? job : undefined;
    },
    15_000,
    `job ${id} settled`,
  );
}

describe('defineWorker', () => {
  it('drops a malformed payload: completed at once, counted as skipped, logged with the job id', async () => {
    const skipped = await runs('skipped');
    const id = await boss.send(probeJob.name, { n: 'seven', fail: 'never' });
    const job = await settled(id);
    expect(job.state).toBe('completed');
    expect(job.retryCount).toBe(0);
    expect(calls).toEqual([]);
    expect(await runs('skipped')).toBe(skipped + 1);
    expect(linesOf(id)).toEqual([
      expect.objectContaining({ level: 50, queue: probeJob.name, msg: 'malformed define-worker-probe job dropped' }),
    ]);
  });

  it('retries a job whose handler threw, counts the retry and reports the error to Sentry', async () => {
    const [retries, completed] = [await runs('retry'), await runs('completed')];
    const id = await probeJob.send(boss, { n: 2, fail: 'unexpected' });
    const job = await settled(id);
    expect(job.state).toBe('completed');
    expect(job.retryCount).toBe(1);
    expect(calls.filter((c) => c.n === 2)).toEqual([
      { n: 2, retryCount: 0 },
      { n: 2, retryCount: 1 },
    ]);
    expect(await runs('retry')).toBe(retries + 1);
    expect(await runs('completed')).toBe(completed + 1);
    const jobLines = linesOf(id);
    expect(jobLines.filter((l) => l.msg === 'probe handled')).toHaveLength(2);
    expect(jobLines.find((l) => l.level === 50)).toMatchObject({
      msg: 'define-worker-probe job failed',
      err: { message: 'unexpected-2' },
    });
    await sentry.flush();
    const reported = ingest.events().filter((e) => e.includes('"value":"unexpected-2"'));
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(`"queue":"${probeJob.name}"`);
    expect(reported[0]).toContain(id!);
  });

  it('retries a RetryLater without reporting it or logging an error', async () => {
    const retries = await runs('retry');
    await sentry.flush();
    const events = ingest.events().length;
    const id = await probeJob.send(boss, { n: 3, fail: 'retry-later' });
    const job = await settled(id);
    expect(job.state).toBe('completed');
    expect(job.retryCount).toBe(1);
    expect(await runs('retry')).toBe(retries + 1);
    expect(linesOf(id).filter((l) => l.level >= 50)).toEqual([]);
    await sentry.flush();
    expect(ingest.events()).toHaveLength(events);
  });

  it('has one worker per job of the registry', () => {
    expect(WORKERS.map((w) => w.queue).sort()).toEqual([...QUEUES].sort());
  });
});
