// Sends one `messages` row per job. The row, not the job, is the truth: a job whose message is
// no longer `queued` does nothing, so a duplicated or retried job never texts twice.
import { and, eq, sql } from 'drizzle-orm';
import type { JobWithMetadata } from 'pg-boss';
import { z } from 'zod';
import type { Config } from '../src/config.js';
import { messages } from '../src/db/schema.js';
import type { AppContext } from '../src/context.js';
import type { Logger } from '../src/log.js';
import { jobLogger, recordJob } from '../src/observability/metrics.js';
import { LogSmsSender } from '../src/sms/log.sender.js';
import { classifySendError, describeSendError, type SmsSender } from '../src/sms/sender.js';
import { TwilioSmsSender } from '../src/sms/twilio.sender.js';

const payloadSchema = z.object({ messageId: z.number().int().positive() });

export type SmsOutcome = 'sent' | 'skipped' | 'failed';

/** Twilio when configured, otherwise the log sender. */
export function createSmsSender(config: Config, log: Logger): SmsSender {
  if (!config.twilio) return new LogSmsSender(log);
  return new TwilioSmsSender({
    ...config.twilio,
    statusCallback: config.publicBaseUrl ? `${config.publicBaseUrl}/twilio/status` : undefined,
    // An abandoned request must end before the job expires and another worker retries it.
    timeoutMs: Math.max(1000, Math.min(15_000, (config.jobs.expireSeconds - 1) * 1000)),
  });
}

/**
 * One attempt at one message. Transient failures throw (pg-boss retries with backoff) unless
 * this was the last attempt; permanent ones mark the message failed and return.
 */
export async function sendOneSms(app: AppContext, sender: SmsSender, job: JobWithMetadata<unknown>): Promise<SmsOutcome> {
  const parsed = payloadSchema.safeParse(job.data);
  const log = jobLogger(app.log, job, 'sms');
  if (!parsed.success) {
    log.error({ data: job.data, issues: parsed.error.issues }, 'malformed sms job dropped');
    return 'skipped';
  }
  const { messageId } = parsed.data;
  const db = app.database.db;
  // Claims the attempt and re-reads the row in one statement; a message already sent or failed is left alone.
  const [msg] = await db
    .update(messages)
    .set({ attempts: sql`${messages.attempts} + 1`, updatedAt: sql`now()` })
    .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')))
    .returning();
  if (!msg) {
    log.debug({ messageId }, 'message not queued (already handled or missing); nothing to do');
    return 'skipped';
  }
  const mlog = log.child({ messageId, kind: msg.kind, gameId: msg.gameId, attempt: msg.attempts });
  try {
    const { providerId } = await sender.send(msg.to, msg.body);
    await db
      .update(messages)
      .set({ status: 'sent', providerId, error: null, updatedAt: sql`now()` })
      .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
    mlog.info({ providerId }, 'sms sent');
    return 'sent';
  } catch (err) {
    const failure = classifySendError(err);
    const error = describeSendError(failure);
    const lastAttempt = job.retryCount >= job.retryLimit;
    if (failure.permanent || lastAttempt) {
      await db
        .update(messages)
        .set({ status: 'failed', error, updatedAt: sql`now()` })
        .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
      mlog.warn({ error, permanent: failure.permanent }, 'sms failed; not retrying');
      return 'failed';
    }
    await db
      .update(messages)
      .set({ error, updatedAt: sql`now()` })
      .where(eq(messages.id, messageId));
    mlog.warn({ error, retry: job.retryCount + 1, of: job.retryLimit }, 'sms send failed; will retry');
    throw failure;
  }
}

export interface SmsWorkerOptions {
  /** Jobs fetched per round trip; they are sent concurrently. */
  batchSize?: number;
  localConcurrency?: number;
}

export async function startSmsWorker(app: AppContext, sender: SmsSender, opts: SmsWorkerOptions = {}): Promise<void> {
  await app.boss.work(
    'sms',
    {
      batchSize: opts.batchSize ?? 20,
      localConcurrency: opts.localConcurrency ?? 2,
      includeMetadata: true,
      perJobResults: true,
      burstWhenBatchFull: true,
      // Retries become due without a NOTIFY, so the backstop poll bounds how late a retry starts.
      pollingIntervalSeconds: 1,
      notifyPollingIntervalSeconds: 1,
    },
    async (jobs) =>
      Promise.all(
        jobs.map(async (job) => {
          const started = performance.now();
          const seconds = () => (performance.now() - started) / 1000;
          try {
            const outcome = await sendOneSms(app, sender, job);
            recordJob('sms', outcome === 'sent' ? 'completed' : outcome, seconds());
            return { id: job.id, status: 'completed' as const };
          } catch (err) {
            recordJob('sms', 'retry', seconds());
            return { id: job.id, status: 'failed' as const, output: { message: (err as Error).message } };
          }
        }),
      ),
  );
}
