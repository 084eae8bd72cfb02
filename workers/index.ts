// Registers every pg-boss job handler of this process; `stop` lets running jobs finish first.
import type { Deps } from '../src/deps.js';

export interface Workers {
  stop(): Promise<void>;
}

export async function startWorkers(deps: Deps): Promise<Workers> {
  deps.log.info('workers started');
  return {
    async stop() {},
  };
}
