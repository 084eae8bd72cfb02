// Sends one `messages` row per job. The row, not the job, is the truth: a job whose message is
// no longer `queued` does nothing, so a duplicated or retried job never texts twice.
import { and, eq, sql } from 'drizzle-orm';
import { messages } from '../src/db/schema.js';
import { smsJob } from '../src/jobs/registry.js';
import { classifySendError, describeSendError } from '../src/sms/sender.js';
import { defineWorker, RetryLater } from './define-worker.js';

/**
 * One attempt at one message. Transient failures throw (pg-boss retries with backoff) unless
 * this was the last attempt; permanent ones mark the message failed and return.
 */
export const smsWorker = defineWorker(
  smsJob,
  async (call, { messageId }, job) => {
    const { db, log } = call;
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
      const { providerId } = await call.app.sms.send(msg.to, msg.body);
      await db
        .update(messages)
        .set({ status: 'sent', providerId, error: null, updatedAt: sql`now()` })
        .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
      mlog.info({ providerId }, 'sms sent');
      return 'completed';
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
      throw new RetryLater(failure.message, { cause: failure });
    }
  },
  {
    // Jobs fetched per round trip, sent concurrently.
    batchSize: 20,
    localConcurrency: 2,
    burstWhenBatchFull: true,
    // Retries become due without a NOTIFY, so the backstop poll bounds how late a retry starts.
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
  },
);
