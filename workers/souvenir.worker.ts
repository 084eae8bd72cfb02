// Renders, stores and (when asked) texts the souvenir of a completed game.
import { souvenirJob } from '../src/jobs/registry.js';
import { produceSouvenir } from '../src/services/souvenir.service.js';
import { defineWorker } from './define-worker.js';

export const souvenirWorker = defineWorker(
  souvenirJob,
  async (call, { gameId, notify, rerender, textKey }) =>
    (await produceSouvenir(call, gameId, notify, { rerender, textKey })) === 'skipped' ? 'skipped' : 'completed',
  // Rendering runs on the render threads: as many jobs at once as there are threads keeps each busy
  // while the next job reads its photo.
  (app) => ({
    batchSize: 1,
    localConcurrency: app.config.jobs.renderThreads,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 2,
  }),
);
