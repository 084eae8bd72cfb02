// Every background job, each defined once: its queue name, its payload (zod; the type follows),
// its queue settings and a typed send. Work a change causes is sent in the change's own
// transaction (see outbox.ts): rolled back → no job; committed → never lost.
//
// Adding a job:
//   1. a `defineJob` entry below, and its name in JOBS;
//   2. workers/<name>.worker.ts: `defineWorker(<job>, handler)`, the handler doing only the domain work;
//   3. that worker in the WORKERS list of workers/index.ts.
import { sql } from 'drizzle-orm';
import { fromDrizzle, type PgBoss, type Queue, type SendOptions } from 'pg-boss';
import { z } from 'zod';
import type { Executor } from '../db/client.js';
import { DEFAULT_DELIVERY_MAX_AGE_MINUTES } from '../domain/delivery.js';

/**
 * From config: SMS job expiry (a souvenir gets twice as long), the retry backoff cap, how often
 * expired jobs are found, and how long deliveries (texts, uploads) keep being retried.
 */
export interface JobSettings {
  expireSeconds: number;
  retryDelayMaxSeconds: number;
  monitorSeconds: number;
  deliveryMaxAgeMinutes: number;
}

export const DEFAULT_JOB_SETTINGS: JobSettings = {
  expireSeconds: 60,
  retryDelayMaxSeconds: 300,
  monitorSeconds: 60,
  deliveryMaxAgeMinutes: DEFAULT_DELIVERY_MAX_AGE_MINUTES,
};

export type QueueSettings = Omit<Queue, 'name'>;

export interface JobDefinition<Name extends string = string, Payload = unknown> {
  readonly name: Name;
  /** Validates what a worker receives: a job may have been written by an older release, or by hand. */
  readonly payload: z.ZodType<Payload>;
  queueSettings(settings: JobSettings): QueueSettings;
  /** Sends the job outside any transaction. */
  send(boss: PgBoss, data: Payload, options?: SendOptions): Promise<string | null>;
  /** Sends the job on the caller's transaction, so it commits or rolls back with the change that caused it. */
  sendInTransaction(boss: PgBoss, tx: Executor, data: Payload, options?: SendOptions): Promise<string | null>;
}

export type PayloadOf<J extends JobDefinition> = J extends JobDefinition<string, infer P> ? P : never;

export function defineJob<const Name extends string, Schema extends z.ZodType>(definition: {
  name: Name;
  payload: Schema;
  queueSettings: (settings: JobSettings) => QueueSettings;
}): JobDefinition<Name, z.infer<Schema>> {
  const { name } = definition;
  return {
    name,
    payload: definition.payload as z.ZodType<z.infer<Schema>>,
    queueSettings: definition.queueSettings,
    send: (boss, data, options = {}) => boss.send(name, data as object, options),
    sendInTransaction: (boss, tx, data, options = {}) =>
      boss.send(name, data as object, { ...options, db: fromDrizzle(tx as never, sql as never) }),
  };
}

const id = z.number().int().positive();
const backoff = (settings: JobSettings) => ({ retryBackoff: true, retryDelayMax: settings.retryDelayMaxSeconds });

/**
 * Deliveries retry until their row is older than DELIVERY_MAX_AGE_MINUTES (the handler ends it
 * then), not a fixed count: retries are at least a second apart, so this limit is never the one
 * that stops them.
 */
const untilMaxAge = (s: JobSettings) => ({
  retryLimit: s.deliveryMaxAgeMinutes * 60 + 10,
  retryDelay: 1,
  ...backoff(s),
});

/** One SMS: the `messages` row already holds recipient and body. */
export const smsJob = defineJob({
  name: 'sms',
  payload: z.object({ messageId: id }),
  // Transient Twilio failures retry with exponential backoff: 1 s, 2 s, 4 s, … capped.
  queueSettings: (s) => ({ ...untilMaxAge(s), expireInSeconds: s.expireSeconds }),
});

/** Copies a souvenir kept on local disk to S3, then texts its link (see upload.service). */
export const uploadJob = defineJob({
  name: 'upload',
  payload: z.object({ uploadId: id }),
  queueSettings: (s) => ({ ...untilMaxAge(s), expireInSeconds: s.expireSeconds * 2 }),
});

/**
 * Render, store, shorten and (with `notify`) text the souvenir of a completed game. `rerender`
 * renders anew even when a souvenir exists (a corrected result); `textKey` is the text's dedupe
 * key when it is not the game's first souvenir text (a resend, a correction).
 */
export const souvenirJob = defineJob({
  name: 'souvenir',
  payload: z.object({
    gameId: id,
    notify: z.boolean(),
    rerender: z.boolean().optional(),
    textKey: z.string().min(1).max(200).optional(),
  }),
  queueSettings: (s) => ({ retryLimit: 5, retryDelay: 2, ...backoff(s), expireInSeconds: s.expireSeconds * 2 }),
});

/**
 * Periodic auto-recall; `showId` narrows it to one show. A job sent without data is a pass over every
 * show. One pass at a time (singleton): a pass cut short by a crash holds the queue until its job
 * expires, so it expires as soon as an SMS job does (a pass takes milliseconds).
 */
export const recallJob = defineJob({
  name: 'recall',
  payload: z.preprocess((data) => data ?? {}, z.object({ showId: id.optional() })),
  queueSettings: (s) => ({ retryLimit: 1, expireInSeconds: s.expireSeconds, policy: 'singleton' }),
});

/** The daily retention pass: erases players whose last show ended PLAYER_RETENTION_DAYS ago. */
export const retentionJob = defineJob({
  name: 'retention',
  payload: z.preprocess((data) => data ?? {}, z.object({})),
  queueSettings: (s) => ({ retryLimit: 3, retryDelay: 60, ...backoff(s), expireInSeconds: 15 * 60 }),
});

export const JOBS = [smsJob, souvenirJob, recallJob, uploadJob, retentionJob] as const;
export type JobName = (typeof JOBS)[number]['name'];
export const QUEUES: readonly JobName[] = JOBS.map((job) => job.name);
