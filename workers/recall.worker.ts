// The periodic auto-recall. Completes and cancels refill the window at once; this pass covers what
// no mutation announces: a recall expiring after RECALL_WINDOW_MINUTES frees its slot by itself.
import { z } from 'zod';
import { callContext, type AppContext } from '../src/context.js';
import { autoRecall, autoRecallAll } from '../src/services/recall.service.js';

const payloadSchema = z.object({ showId: z.number().int().positive().optional() });

/** One pass: the given show, or every show with queued games. Returns how many players were recalled. */
export async function runRecallJob(app: AppContext, data: unknown): Promise<number> {
  const parsed = payloadSchema.safeParse(data ?? {});
  if (!parsed.success) {
    app.log.error({ data, issues: parsed.error.issues }, 'malformed recall job dropped');
    return 0;
  }
  const w = callContext(app, null);
  return parsed.data.showId ? (await autoRecall(w, parsed.data.showId)).length : autoRecallAll(w);
}

/** Handles `recall` jobs and enqueues one every RECALL_INTERVAL_SECONDS (deduplicated across worker processes). */
export async function startRecallWorker(app: AppContext): Promise<void> {
  const { intervalSeconds, disable } = app.config.recall;
  await app.boss.work(
    'recall',
    { includeMetadata: true, pollingIntervalSeconds: Math.min(intervalSeconds, 2) },
    async (jobs) => {
      for (const job of jobs) {
        const recalled = await runRecallJob(app, job.data);
        if (recalled > 0) app.log.info({ job: job.id, queue: 'recall', recalled }, 'auto-recall recalled players');
      }
    },
  );
  if (disable) return;
  const tick = () => {
    app.boss
      .send('recall', {}, { singletonKey: 'periodic', singletonSeconds: intervalSeconds })
      .catch((err) => app.log.warn({ err }, 'could not enqueue the periodic recall'));
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  app.boss.once('stopped', () => clearInterval(timer));
}
