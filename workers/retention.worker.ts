// PLAYER_RETENTION_DAYS: once a day, erase the players whose last show ended that many days ago.
// Unset, nothing is scheduled and players are kept.
import type { AppContext } from '../src/context.js';
import { dayIn } from '../src/domain/dates.js';
import { retentionJob } from '../src/jobs/registry.js';
import { eraseExpiredPlayers } from '../src/services/erasure.service.js';
import { defineWorker, type Worker } from './define-worker.js';

const DAY_SECONDS = 24 * 60 * 60;
// Asked hourly, run at most once a day (deduplicated across worker processes by its singleton key).
const ASK_EVERY_MS = 60 * 60 * 1000;

const handleRetentionJobs = defineWorker(retentionJob, async (call) => {
  const days = call.app.config.playerRetentionDays;
  if (!days) return 'skipped';
  const erased = await eraseExpiredPlayers(call, days, dayIn(call.now(), call.app.config.timeZone));
  call.log.info({ erased, retentionDays: days }, 'retention pass done');
  return 'completed';
});

function enqueueDaily(app: AppContext): void {
  const tick = () => {
    retentionJob
      .send(app.boss, {}, { singletonKey: 'daily', singletonSeconds: DAY_SECONDS })
      .catch((err) => app.log.warn({ err }, 'could not enqueue the retention pass'));
  };
  tick();
  const timer = setInterval(tick, ASK_EVERY_MS);
  timer.unref();
  app.boss.once('stopped', () => clearInterval(timer));
}

export const retentionWorker: Worker = {
  queue: handleRetentionJobs.queue,
  async start(app) {
    await handleRetentionJobs.start(app);
    if (app.config.playerRetentionDays) enqueueDaily(app);
  },
};
