// Auto-recall: keep up to RECALL_WINDOW_SIZE queued players "recalled" (texted to come back) per show.
// Serialized per show with a transaction-scoped advisory lock, so concurrent completes never overfill it.
import { and, asc, count, eq, gt, isNotNull, notInArray } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { lock } from '../db/locks.js';
import { games, players, type Game } from '../db/schema.js';
import { IllegalTransitionError } from '../domain/errors.js';
import { SYSTEM_ACTOR } from '../domain/roles.js';
import { recallCutoff, recallsToMake } from '../domain/recall.js';
import { transition } from './transition.js';
import { inTransaction, type CallContext } from '../context.js';

export async function activeRecalls(tx: Tx, showId: number, now: Date, windowMinutes: number): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(games)
    .where(
      and(
        eq(games.showId, showId),
        eq(games.state, 'RECALLED'),
        gt(games.recalledAt, recallCutoff(now, windowMinutes)),
      ),
    );
  return row?.n ?? 0;
}

/** Recalls what the window allows; the caller must hold the show's recall lock. Returns the recalled games. */
export async function autoRecallLocked(tx: Tx, c: CallContext, showId: number): Promise<Game[]> {
  const { windowSize, windowMinutes, disable } = c.app.config.recall;
  if (disable) return [];
  const now = c.now();
  let wanted = recallsToMake(windowSize, await activeRecalls(tx, showId, now, windowMinutes));
  const system: CallContext = { ...c, actor: SYSTEM_ACTOR };
  const recalled: Game[] = [];
  const tried: number[] = [0];
  while (wanted > 0) {
    // Queue order; players we cannot text are left for the tablet to call by name.
    const candidates = await tx
      .select({ id: games.id })
      .from(games)
      .innerJoin(players, eq(players.id, games.playerId))
      .where(
        and(
          eq(games.showId, showId),
          eq(games.state, 'QUEUED'),
          isNotNull(players.mobileNumber),
          notInArray(games.id, tried),
        ),
      )
      .orderBy(asc(games.queuedAt), asc(games.id))
      .limit(wanted);
    if (!candidates.length) break;
    for (const { id } of candidates) {
      tried.push(id);
      try {
        recalled.push((await transition(tx, system, id, 'recall')).game);
        wanted -= 1;
      } catch (err) {
        // Moved by someone else since we read the queue (confirmed, cancelled): take the next one.
        if (!(err instanceof IllegalTransitionError)) throw err;
      }
    }
  }
  return recalled;
}

/** One auto-recall pass for one show in its own transaction. */
export function autoRecall(c: CallContext, showId: number): Promise<Game[]> {
  if (c.app.config.recall.disable) return Promise.resolve([]);
  return inTransaction(c, async (tx) => {
    await lock(tx, 'recall', showId);
    return autoRecallLocked(tx, c, showId);
  });
}

/** The periodic pass: every show with queued games (expired recalls free slots without any mutation). */
export async function autoRecallAll(c: CallContext): Promise<number> {
  if (c.app.config.recall.disable) return 0;
  const rows = await c.db.selectDistinct({ showId: games.showId }).from(games).where(eq(games.state, 'QUEUED'));
  let total = 0;
  for (const { showId } of rows) total += (await autoRecall(c, showId)).length;
  return total;
}
