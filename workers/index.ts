// Registers every pg-boss job handler of this process; `stop` lets running jobs finish first.
import type { AppContext } from '../src/context.js';
import type { Worker } from './define-worker.js';
import { recallWorker } from './recall.worker.js';
import { retentionWorker } from './retention.worker.js';
import { smsWorker } from './sms.worker.js';
import { souvenirWorker } from './souvenir.worker.js';
import { uploadWorker } from './upload.worker.js';

/** One worker per queue of the job registry (src/jobs/registry.ts). */
export const WORKERS: readonly Worker[] = [smsWorker, souvenirWorker, recallWorker, uploadWorker, retentionWorker];

export interface Workers {
  stop(): Promise<void>;
}

/** How long stopping waits for jobs in hand; pg-boss retries whatever is cut short after its expiry. */
const STOP_TIMEOUT_MS = 10_000;

export async function startWorkers(app: AppContext): Promise<Workers> {
  for (const worker of WORKERS) await worker.start(app);
  app.log.info('workers started');
  return {
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const drained = Promise.all(WORKERS.map(({ queue }) => app.boss.offWork(queue, { wait: true }))).then(
        () => 'drained' as const,
      );
      const result = await Promise.race([drained, timeout]);
      clearTimeout(timer);
      if (result === 'timeout') app.log.warn('workers did not finish in time; unfinished jobs will be retried');
      else app.log.info('workers stopped');
    },
  };
}
