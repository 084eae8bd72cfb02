import type { AppContext, CallContext } from '../context.js';
import type { Db } from '../db/client.js';
import type { Logger } from '../log.js';
import type { Viewer } from '../services/auth.service.js';
import { createLoaders, type Loaders } from './loaders.js';

/** One GraphQL operation: a CallContext (services take it as it is) plus who asks and its loaders. */
export interface Context extends CallContext {
  readonly viewer: Viewer | null;
  /** Set before execution when the operation is a mutation. */
  isMutation: boolean;
  readonly loaders: Loaders;
  /** Caller's address, for login throttling. */
  readonly ip: string;
}

export function createContext(app: AppContext, viewer: Viewer | null, opts: { ip: string; log?: Logger }): Context {
  // Apollo runs each operation on a shallow copy of the context (Object.assign onto the same
  // prototype), which would freeze an own `read` getter at its first value and set `isMutation` on
  // the copy only. So both live on the prototype over one shared state: the copy, the original and
  // the loaders agree, and a mutation reads its own writes from the primary, not a lagging replica.
  const state = { isMutation: false };
  const routing = Object.create(null, {
    isMutation: { get: () => state.isMutation, set: (v: boolean) => void (state.isMutation = v) },
    read: { get: (): Db => (state.isMutation ? app.database.db : app.database.read) },
  });
  const ctx: Context = Object.assign(Object.create(routing), {
    app,
    viewer,
    actor: viewer?.username ?? 'anonymous',
    now: app.now,
    db: app.database.db,
    loaders: createLoaders(() => ctx.read),
    log: opts.log ?? app.log,
    ip: opts.ip,
  });
  return ctx;
}
