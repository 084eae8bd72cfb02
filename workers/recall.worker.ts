// The periodic auto-recall. Completes and cancels refill the window at once; this pass covers what
// no mutation announces: a recall expiring after RECALL_WINDOW_MINUTES frees its slot by itself.
import type { AppContext, CallContext } from '../src/context.js';
import { recallJob, type PayloadOf } from '../src/jobs/registry.js';
import { autoRecall, autoRecallAll } from '../src/services/recall.service.js';
import { defineWorker, type Worker } from './define-worker.js';

/** One pass: the given show, or every show with queued games. Returns how many players were recalled. */
export async function runRecallPass(call: CallContext, { showId }: PayloadOf<typeof recallJob>): Promise<number> {
  return showId ? (await autoRecall(call, showId)).length : autoRecallAll(call);
}

const handleRecallJobs = defineWorker(
  recallJob,
  async (call, payload) => {
    const recalled = await runRecallPass(call, payload);
    if (recalled > 0) call.log.info({ recalled }, 'auto-recall recalled players');
  },
  (app) => ({ pollingIntervalSeconds: Math.min(app.config.recall.intervalSeconds, 2) }),
);

/** Enqueues a recall job every RECALL_INTERVAL_SECONDS, deduplicated across worker processes. */
function enqueuePeriodically(app: AppContext): void {
  const { intervalSeconds } = app.config.recall;
  const tick = () => {
    recallJob
      .send(app.boss, {}, { singletonKey: 'periodic', singletonSeconds: intervalSeconds })
      .catch((err) => app.log.warn({ err }, 'could not enqueue the periodic recall'));
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  app.boss.once('stopped', () => clearInterval(timer));
}

export const recallWorker: Worker = {
  queue: handleRecallJobs.queue,
  async start(app) {
    await handleRecallJobs.start(app);
    if (!app.config.recall.disable) enqueuePeriodically(app);
  },
};
