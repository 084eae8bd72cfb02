// Renders, stores and (when asked) texts the souvenir of a completed game.
import { z } from 'zod';
import { callContext, type AppContext } from '../src/context.js';
import { jobLogger, recordJob } from '../src/observability/metrics.js';
import { captureJobError } from '../src/observability/sentry.js';
import { produceSouvenir } from '../src/services/souvenir.service.js';

const payloadSchema = z.object({ gameId: z.number().int().positive(), notify: z.boolean() });

export async function startSouvenirWorker(app: AppContext): Promise<void> {
  // Rendering is CPU-bound: one at a time per process keeps the API responsive beside it.
  await app.boss.work(
    'souvenir',
    { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 2 },
    async ([job]) => {
      const log = jobLogger(app.log, job!, 'souvenir');
      const started = performance.now();
      const parsed = payloadSchema.safeParse(job!.data);
      if (!parsed.success) {
        log.error({ data: job!.data, issues: parsed.error.issues }, 'malformed souvenir job dropped');
        recordJob('souvenir', 'skipped', 0);
        return;
      }
      try {
        const outcome = await produceSouvenir(callContext(app, undefined, log), parsed.data.gameId, parsed.data.notify);
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
