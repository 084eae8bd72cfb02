import type { Db } from '../db/client.js';
import type { Deps } from '../deps.js';
import type { Logger } from '../log.js';
import type { Viewer } from '../services/auth.service.js';
import { createLoaders, type Loaders } from './loaders.js';

export interface Context {
  readonly viewer: Viewer | null;
  readonly deps: Deps;
  /** Where this operation reads: the primary once it is known to be a mutation (read-your-writes), else the replica. */
  readonly read: Db;
  /** Set before execution when the operation is a mutation. */
  isMutation: boolean;
  readonly loaders: Loaders;
  readonly log: Logger;
  /** Caller's address, for login throttling. */
  readonly ip: string;
}

export function createContext(deps: Deps, viewer: Viewer | null, opts: { ip: string; log?: Logger }): Context {
  const ctx: Context = {
    viewer,
    deps,
    isMutation: false,
    get read() {
      return ctx.isMutation ? deps.database.db : deps.database.read;
    },
    loaders: createLoaders(() => ctx.read),
    log: opts.log ?? deps.log,
    ip: opts.ip,
  };
  return ctx;
}
