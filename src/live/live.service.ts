// What the Subscription fields stream: thin wrappers over the process's live hub.
import type { Game } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { NotFoundError } from '../domain/errors.js';
import type { QueueSnapshot } from '../services/queue.service.js';
import { liveHub } from './hub.js';

/** GraphQL IDs arrive as strings; anything that is not a positive integer names nothing. */
function idOf(entity: string, raw: unknown): number {
  const id = typeof raw === 'number' ? raw : /^\d{1,9}$/.test(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError(entity, String(raw));
  return id;
}

/** The queue of a show (the current show when none is given): now, then after every change. */
export async function queueUpdates(deps: Deps, showId: unknown): Promise<AsyncIterable<QueueSnapshot>> {
  const hub = liveHub(deps);
  const id = showId === undefined || showId === null ? await hub.currentShowId() : idOf('Show', showId);
  return hub.queue(id);
}

/** One game: now, then after every change to it (and to its queue position). */
export async function gameUpdates(deps: Deps, gameId: unknown): Promise<AsyncIterable<Game>> {
  return liveHub(deps).game(idOf('Game', gameId));
}
