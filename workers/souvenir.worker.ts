// Renders, stores and (when asked) texts the souvenir of a completed game.
import { z } from 'zod';
import type { Deps } from '../src/deps.js';
import { jobLogger, recordJob } from '../src/observability/metrics.js';
import { captureJobError } from '../src/observability/sentry.js';
import { produceSouvenir } from '../src/services/souvenir.service.js';
import { storageFor } from '../src/storage/storage.js';

const payloadSchema = z.object({ gameId: z.number().int().positive(), notify: z.boolean() });

export async function startSouvenirWorker(deps: Deps): Promise<void> {
  const storage = storageFor(deps.config);
  // Rendering is CPU-bound: one at a time per process keeps the API responsive beside it.
  await deps.boss.work(
    'souvenir',
    { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 2 },
    async ([job]) => {
      const log = jobLogger(deps.log, job!, 'souvenir');
      const started = performance.now();
      const parsed = payloadSchema.safeParse(job!.data);
      if (!parsed.success) {
        log.error({ data: job!.data, issues: parsed.error.issues }, 'malformed souvenir job dropped');
        recordJob('souvenir', 'skipped', 0);
        return;
      }
      try {
        const outcome = await produceSouvenir({ ...deps, log }, storage, parsed.data.gameId, parsed.data.notify);
        recordJob('souvenir', outcome === 'skipped' ? 'skipped' : 'completed', (performance.now() - started) / 1000);
      } catch (err) {
        recordJob('souvenir', 'retry', (performance.now() - started) / 1000);
        log.error({ err }, 'souvenir failed; will retry');
        captureJobError(err, job!, 'souvenir');
        throw err;
      }
    },
  );
}
