// Registers every pg-boss job handler of this process; `stop` lets running jobs finish first.
import type { AppContext } from '../src/context.js';
import { startRecallWorker } from './recall.worker.js';
import { QUEUES } from '../src/jobs.js';
import { createSmsSender, startSmsWorker } from './sms.worker.js';
import { startSouvenirWorker } from './souvenir.worker.js';

export interface Workers {
  stop(): Promise<void>;
}

/** How long stopping waits for jobs in hand; pg-boss retries whatever is cut short after its expiry. */
const STOP_TIMEOUT_MS = 10_000;

export async function startWorkers(app: AppContext): Promise<Workers> {
  await startSmsWorker(app, createSmsSender(app.config, app.log));
  await startSouvenirWorker(app);
  await startRecallWorker(app);
  app.log.info('workers started');
  return {
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const drained = Promise.all(QUEUES.map((name) => app.boss.offWork(name, { wait: true }))).then(
        () => 'drained' as const,
      );
      const result = await Promise.race([drained, timeout]);
      clearTimeout(timer);
      if (result === 'timeout') app.log.warn('workers did not finish in time; unfinished jobs will be retried');
      else app.log.info('workers stopped');
    },
  };
}
