// The one way a queue's jobs are run. defineWorker does what every job needs: it parses the
// payload with the registry's schema (a malformed job is logged and dropped, never retried),
// gives the handler a CallContext whose logger carries the job id, times the run, records its
// outcome and reports unexpected errors to Sentry. The handler does only the domain work.
import type { JobResult, JobWithMetadata, WorkOptions } from 'pg-boss';
import { callContext, type AppContext, type CallContext } from '../src/context.js';
import type { JobDefinition, PayloadOf } from '../src/jobs/registry.js';
import { jobLogger, recordJob } from '../src/observability/metrics.js';
import { captureJobError } from '../src/observability/sentry.js';

/** How a job ended: `failed` is work that can never succeed (recorded as such, not retried). */
export type JobOutcome = 'completed' | 'skipped' | 'failed';

/** Returns nothing for `completed`; throws to have pg-boss retry the job. */
export type JobHandler<Payload> = (
  call: CallContext,
  payload: Payload,
  job: JobWithMetadata<unknown>,
) => Promise<JobOutcome | void>;

/**
 * A failure the handler expected and has logged itself (a provider that is down for a moment):
 * retried like any error, but not reported to Sentry.
 */
export class RetryLater extends Error {
  override name = 'RetryLater';
}

/** Per-queue fetch settings; every job of a batch runs concurrently and settles on its own. */
export type QueueWork = Pick<
  WorkOptions,
  'batchSize' | 'localConcurrency' | 'pollingIntervalSeconds' | 'notifyPollingIntervalSeconds' | 'burstWhenBatchFull'
>;

export interface Worker {
  readonly queue: string;
  start(app: AppContext): Promise<void>;
}

export function defineWorker<J extends JobDefinition>(
  job: J,
  handler: JobHandler<PayloadOf<J>>,
  work: QueueWork | ((app: AppContext) => QueueWork) = {},
): Worker {
  const queue = job.name;

  async function runOne(app: AppContext, item: JobWithMetadata<unknown>): Promise<JobResult> {
    const log = jobLogger(app.log, item, queue);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const parsed = job.payload.safeParse(item.data);
    if (!parsed.success) {
      log.error({ data: item.data, issues: parsed.error.issues }, `malformed ${queue} job dropped`);
      recordJob(queue, 'skipped', seconds());
      return { id: item.id, status: 'completed' };
    }
    try {
      const outcome = await handler(callContext(app, undefined, log), parsed.data as PayloadOf<J>, item);
      recordJob(queue, outcome ?? 'completed', seconds());
      return { id: item.id, status: 'completed' };
    } catch (err) {
      recordJob(queue, 'retry', seconds());
      if (!(err instanceof RetryLater)) {
        log.error({ err, retryCount: item.retryCount, retryLimit: item.retryLimit }, `${queue} job failed`);
        captureJobError(err, item, queue);
      }
      return { id: item.id, status: 'failed', output: { message: err instanceof Error ? err.message : String(err) } };
    }
  }

  return {
    queue,
    async start(app) {
      const options = typeof work === 'function' ? work(app) : work;
      await app.boss.work(
        queue,
        { ...options, includeMetadata: true, perJobResults: true },
        (jobs: JobWithMetadata<unknown>[]) => Promise.all(jobs.map((item) => runOne(app, item))),
      );
    },
  };
}
