// pg-boss on the primary, in its own schema. Jobs caused by a mutation are sent inside the
// mutation's transaction (the outbox): rolled back → no job; committed → never lost.
import { sql } from 'drizzle-orm';
import { fromDrizzle, PgBoss, type Queue, type SendOptions } from 'pg-boss';
import type { Executor } from './db/client.js';
import type { Logger } from './log.js';

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

const QUEUE_OPTIONS: Record<QueueName, Omit<Queue, 'name'>> = {
  // Transient Twilio failures retry with exponential backoff: 1 s, 2 s, 4 s, … capped at 5 min.
  sms: { retryLimit: 8, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 60 },
  souvenir: { retryLimit: 5, retryDelay: 2, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 120 },
  recall: { retryLimit: 1, expireInSeconds: 60, policy: 'singleton' },
};

export interface BossOptions {
  url: string;
  log: Logger;
  /** Maintenance and cron (the periodic recall) run in worker processes only. */
  supervise: boolean;
  max?: number;
}

export async function startBoss({ url, log, supervise, max = 5 }: BossOptions): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: url,
    schema: 'pgboss',
    max,
    supervise,
    schedule: supervise,
    useListenNotify: supervise,
    application_name: 'mlb-game-server-jobs',
    openTelemetry: { enabled: false },
  });
  boss.on('error', (err) => log.error({ err }, 'job queue error'));
  await boss.start();
  for (const name of QUEUES) {
    const existing = await boss.getQueue(name);
    if (!existing) await boss.createQueue(name, { ...QUEUE_OPTIONS[name], notify: true } as Omit<Queue, 'name'>);
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
