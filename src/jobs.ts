// pg-boss on the primary, in its own schema. Jobs caused by a mutation are sent inside the
// mutation's transaction (the outbox): rolled back → no job; committed → never lost.
import { sql } from 'drizzle-orm';
import { fromDrizzle, PgBoss, type Queue, type SendOptions } from 'pg-boss';
import type { Executor } from './db/client.js';
import type { Logger } from './log.js';
import { captureUnexpected } from './observability/sentry.js';

export const QUEUES = ['sms', 'souvenir', 'recall'] as const;
export type QueueName = (typeof QUEUES)[number];

export interface JobPayloads {
  /** One SMS: the `messages` row already holds recipient and body. */
  sms: { messageId: number };
  /** Render, store, shorten and text the souvenir of a completed game. */
  souvenir: { gameId: number; notify: boolean };
  /** Periodic auto-recall; `showId` narrows it to one show. */
  recall: { showId?: number };
}

export interface JobSettings {
  expireSeconds: number;
  retryDelayMaxSeconds: number;
  monitorSeconds: number;
}

const DEFAULT_JOB_SETTINGS: JobSettings = { expireSeconds: 60, retryDelayMaxSeconds: 300, monitorSeconds: 60 };

export function queueOptions(jobs: JobSettings): Record<QueueName, Omit<Queue, 'name'>> {
  const backoff = { retryBackoff: true, retryDelayMax: jobs.retryDelayMaxSeconds };
  return {
    // Transient Twilio failures retry with exponential backoff: 1 s, 2 s, 4 s, … capped.
    sms: { retryLimit: 8, retryDelay: 1, ...backoff, expireInSeconds: jobs.expireSeconds },
    souvenir: { retryLimit: 5, retryDelay: 2, ...backoff, expireInSeconds: jobs.expireSeconds * 2 },
    recall: { retryLimit: 1, expireInSeconds: 60, policy: 'singleton' },
  };
}

export interface BossOptions {
  url: string;
  log: Logger;
  /** Maintenance and cron (the periodic recall) run in worker processes only. */
  supervise: boolean;
  max?: number;
  jobs?: JobSettings;
}

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
  const options = queueOptions(jobs);
  for (const name of QUEUES) {
    const existing = await boss.getQueue(name);
    const wanted = { ...options[name], notify: true } as Omit<Queue, 'name'>;
    if (!existing) await boss.createQueue(name, wanted);
    else if (
      supervise &&
      (existing.expireInSeconds !== wanted.expireInSeconds ||
        (existing.retryDelayMax ?? null) !== (wanted.retryDelayMax ?? null))
    ) {
      // Workers own the queue settings: a changed setting applies on their next start.
      const { policy: _policy, retryDelayMax, ...rest } = wanted;
      await boss.updateQueue(name, { ...rest, retryDelayMax: retryDelayMax ?? null });
    }
  }
  return boss;
}

/** Sends a job on the caller's transaction, so it commits or rolls back with the change that caused it. */
export function sendInTransaction<N extends QueueName>(
  boss: PgBoss,
  tx: Executor,
  name: N,
  data: JobPayloads[N],
  options: SendOptions = {},
): Promise<string | null> {
  return boss.send(name, data, { ...options, db: fromDrizzle(tx as never, sql as never) });
}
