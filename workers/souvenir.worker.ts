// Renders, stores and (when asked) texts the souvenir of a completed game.
import { souvenirJob } from '../src/jobs/registry.js';
import { produceSouvenir } from '../src/services/souvenir.service.js';
import { defineWorker } from './define-worker.js';

export const souvenirWorker = defineWorker(
  souvenirJob,
  async (call, { gameId, notify, rerender, textKey }) =>
    (await produceSouvenir(call, gameId, notify, { rerender, textKey })) === 'skipped' ? 'skipped' : 'completed',
  // Rendering is CPU-bound: one at a time per process keeps the API responsive beside it.
  { batchSize: 1, localConcurrency: 1, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 2 },
);
