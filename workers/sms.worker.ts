// Sends one `messages` row per job; the attempt itself is the SMS delivery service's.
import { smsJob } from '../src/jobs/registry.js';
import { attemptMessage } from '../src/services/sms-delivery.service.js';
import { defineWorker, RetryLater } from './define-worker.js';

export const smsWorker = defineWorker(
  smsJob,
  async (call, { messageId }, job) => {
    const result = await attemptMessage(call, messageId, job.retryCount >= job.retryLimit);
    if (result.outcome === 'deferred') throw new RetryLater(result.reason, { cause: result.failure });
    return result.outcome === 'sent' ? 'completed' : result.outcome;
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
