// What the Subscription fields stream: thin wrappers over the process's live hub.
import type { Game } from '../db/schema.js';
import { liveOf, type AppContext } from '../context.js';
import { idOf } from '../domain/ids.js';
import type { QueueSnapshot } from '../services/queue.service.js';

/** The queue of a show (the current show when none is given): now, then after every change. */
export async function queueUpdates(app: AppContext, showId: unknown): Promise<AsyncIterable<QueueSnapshot>> {
  const hub = liveOf(app);
  const id = showId === undefined || showId === null ? await hub.currentShowId() : idOf('Show', showId);
  return hub.queue(id);
}

/** One game: now, then after every change to it (and to its queue position). */
export async function gameUpdates(app: AppContext, gameId: unknown): Promise<AsyncIterable<Game>> {
  return liveOf(app).game(idOf('Game', gameId));
}
