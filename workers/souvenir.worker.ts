// Renders, stores and (when asked) texts the souvenir of a completed game.
import { souvenirJob } from '../src/jobs/registry.js';
import { produceSouvenir } from '../src/services/souvenir.service.js';
import { defineWorker } from './define-worker.js';

export const souvenirWorker = defineWorker(
  souvenirJob,
  async (call, { gameId, notify, rerender, textKey }) =>
    (await produceSouvenir(call, gameId, notify, { rerender, textKey })) === 'skipped' ? 'skipped' : 'completed',
  // Rendering runs on the render threads. Each fetch takes two jobs, so a thread has the next card
  // while a job reads its photo or stores its files, and a full fetch is followed at once by the
  // next: a backlog (after an outage, a failover) drains at render speed, not one job per poll.
  (app) => ({
    batchSize: 2,
    localConcurrency: app.config.jobs.renderThreads,
    burstWhenBatchFull: true,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 2,
  }),
);
