// pg-boss on the primary, in its own schema, with one queue per job of the registry.
import { PgBoss, type Queue } from 'pg-boss';
import type { Logger } from '../log.js';
import { captureUnexpected } from '../observability/sentry.js';
import { PreparingClient } from './boss-client.js';
import { watchJobStatistics } from './job-statistics.js';
import { DEFAULT_JOB_SETTINGS, JOBS, type JobSettings } from './registry.js';

export interface BossOptions {
  url: string;
  log: Logger;
  /** Maintenance and cron (the periodic recall) run in worker processes only. */
  supervise: boolean;
  max?: number;
  jobs?: JobSettings;
}

// pg-pool's own option, which pg-boss hands to the pool it makes (its types do not list it).
const PREPARED_POOL = { Client: PreparingClient };

export async function startBoss({
  url,
  log,
  supervise,
  max = 5,
  jobs = DEFAULT_JOB_SETTINGS,
}: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max,
    ...PREPARED_POOL,
    supervise,
    schedule: supervise,
    useListenNotify: supervise,
    application_name: 'mlb-game-server-jobs',
    openTelemetry: { enabled: false },
    // Expired jobs (a worker killed mid-job) are found by this pass, so it bounds how late their retry starts.
    superviseIntervalSeconds: jobs.monitorSeconds,
    monitorIntervalSeconds: jobs.monitorSeconds,
  });
  boss.on('error', (err) => (log.error({ err }, 'job queue error'), captureUnexpected(err, { source: 'pg-boss' })));
  await boss.start();
  for (const job of JOBS) {
    const { name } = job;
    const existing = await boss.getQueue(name);
    const wanted: Omit<Queue, 'name'> = { ...job.queueSettings(jobs), notify: true };
    if (!existing) await boss.createQueue(name, wanted);
    else if (
      supervise &&
      (existing.expireInSeconds !== wanted.expireInSeconds ||
        existing.retryLimit !== wanted.retryLimit ||
        (existing.retryDelayMax ?? null) !== (wanted.retryDelayMax ?? null))
    ) {
      // Workers own the queue settings: a changed setting applies on their next start.
      const { policy: _policy, retryDelayMax, ...rest } = wanted;
      await boss.updateQueue(name, { ...rest, retryDelayMax: retryDelayMax ?? null });
    }
  }
  if (supervise) watchJobStatistics(boss, log);
  return boss;
}
