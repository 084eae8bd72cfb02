// The periodic auto-recall. Completes and cancels refill the window at once; this pass covers what
// no mutation announces: a recall expiring after RECALL_WINDOW_MINUTES frees its slot by itself.
import { z } from 'zod';
import type { Deps } from '../src/deps.js';
import { autoRecall, autoRecallAll } from '../src/services/recall.service.js';
import { writerFor } from '../src/services/writer.js';

const payloadSchema = z.object({ showId: z.number().int().positive().optional() });

/** One pass: the given show, or every show with queued games. Returns how many players were recalled. */
export async function runRecallJob(deps: Deps, data: unknown): Promise<number> {
  const parsed = payloadSchema.safeParse(data ?? {});
  if (!parsed.success) {
    deps.log.error({ data, issues: parsed.error.issues }, 'malformed recall job dropped');
    return 0;
  }
  const w = writerFor(deps, null);
  return parsed.data.showId ? (await autoRecall(w, parsed.data.showId)).length : autoRecallAll(w);
}

/** Handles `recall` jobs and enqueues one every RECALL_INTERVAL_SECONDS (deduplicated across worker processes). */
export async function startRecallWorker(deps: Deps): Promise<void> {
  const { intervalSeconds, disable } = deps.config.recall;
  await deps.boss.work(
    'recall',
    { includeMetadata: true, pollingIntervalSeconds: Math.min(intervalSeconds, 2) },
    async (jobs) => {
      for (const job of jobs) {
        const recalled = await runRecallJob(deps, job.data);
        if (recalled > 0) deps.log.info({ job: job.id, queue: 'recall', recalled }, 'auto-recall recalled players');
      }
    },
  );
  if (disable) return;
  const tick = () => {
    deps.boss
      .send('recall', {}, { singletonKey: 'periodic', singletonSeconds: intervalSeconds })
      .catch((err) => deps.log.warn({ err }, 'could not enqueue the periodic recall'));
  };
  const timer = setInterval(tick, intervalSeconds * 1000);
  timer.unref();
  deps.boss.once('stopped', () => clearInterval(timer));
}
