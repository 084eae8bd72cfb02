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
  // Apollo runs each operation on a shallow copy of the context (Object.assign onto the same
  // prototype), which would freeze an own `read` getter at its first value and set `isMutation` on
  // the copy only. So both live on the prototype over one shared state: the copy, the original and
  // the loaders agree, and a mutation reads its own writes from the primary, not a lagging replica.
  const state = { isMutation: false };
  const routing = Object.create(null, {
    isMutation: { get: () => state.isMutation, set: (v: boolean) => void (state.isMutation = v) },
    read: { get: () => (state.isMutation ? deps.database.db : deps.database.read) },
  });
  const ctx: Context = Object.assign(Object.create(routing), {
    viewer,
    deps,
    loaders: createLoaders(() => ctx.read),
    log: opts.log ?? deps.log,
    ip: opts.ip,
  });
  return ctx;
}
