// Registers every pg-boss job handler of this process; `stop` lets running jobs finish first.
import type { Deps } from '../src/deps.js';
import { startRecallWorker } from './recall.worker.js';
import { QUEUES } from '../src/jobs.js';
import { createSmsSender, startSmsWorker } from './sms.worker.js';
import { startSouvenirWorker } from './souvenir.worker.js';

export interface Workers {
  stop(): Promise<void>;
}

/** How long stopping waits for jobs in hand; pg-boss retries whatever is cut short after its expiry. */
const STOP_TIMEOUT_MS = 10_000;

export async function startWorkers(deps: Deps): Promise<Workers> {
  await startSmsWorker(deps, createSmsSender(deps.config, deps.log));
  await startSouvenirWorker(deps);
  await startRecallWorker(deps);
  deps.log.info('workers started');
  return {
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const drained = Promise.all(QUEUES.map((name) => deps.boss.offWork(name, { wait: true }))).then(
        () => 'drained' as const,
      );
      const result = await Promise.race([drained, timeout]);
      clearTimeout(timer);
      if (result === 'timeout') deps.log.warn('workers did not finish in time; unfinished jobs will be retried');
      else deps.log.info('workers stopped');
    },
  };
}
