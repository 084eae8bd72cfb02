// Auto-recall: keep up to RECALL_WINDOW_SIZE queued players "recalled" (texted to come back) per show.
// Serialized per show with a transaction-scoped advisory lock, so concurrent completes never overfill it.
import { and, asc, count, eq, gt, isNotNull, lte, notExists, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { lock, tryLock } from '../db/locks.js';
import { games, optOuts, players, shows, type Game } from '../db/schema.js';
import { DEFAULT_TEXTS } from '../domain/messages.js';
import { noShowMinutes } from '../domain/no-show.js';
import { queueSms } from '../jobs/outbox.js';
import { renderForGame } from './texts.service.js';
import { IllegalTransitionError } from '../domain/errors.js';
import { SYSTEM_ACTOR } from '../domain/roles.js';
import { recallCutoff, recallsToMake } from '../domain/recall.js';
import { transition } from './transition.js';
import { inTransaction, type CallContext } from '../context.js';

const countActive = prepared('recall_active', (db) =>
  db
    .select({ n: count() })
    .from(games)
    .where(
      and(
        eq(games.showId, sql.placeholder('showId')),
        eq(games.state, 'RECALLED'),
        gt(games.recalledAt, sql`${sql.placeholder('cutoff')}::timestamptz`),
      ),
    ),
);

// Queue order; players we cannot text (no number, or it opted out) are left for the tablet to call by name.
const nextToRecall = prepared('recall_candidates', (db) =>
  db
    .select({ id: games.id })
    .from(games)
    .innerJoin(players, eq(players.id, games.playerId))
    .where(
      and(
        eq(games.showId, sql.placeholder('showId')),
        eq(games.state, 'QUEUED'),
        isNotNull(players.mobileNumber),
        notExists(db.select().from(optOuts).where(eq(optOuts.mobileNumber, players.mobileNumber))),
        sql`${games.id} <> all(${sql.placeholder('tried')}::int[])`,
      ),
    )
    .orderBy(asc(games.queuedAt), asc(games.id))
    .limit(sql.placeholder('wanted')),
);

export async function activeRecalls(tx: Tx, showId: number, now: Date, windowMinutes: number): Promise<number> {
  const [row] = await countActive(tx, { showId, cutoff: recallCutoff(now, windowMinutes).toISOString() });
  return row?.n ?? 0;
}

/** Recalls what the window allows; the caller must hold the show's recall lock. Returns the recalled games. */
export async function autoRecallLocked(tx: Tx, c: CallContext, showId: number): Promise<Game[]> {
  const { windowMinutes, disable } = c.app.config.recall;
  if (disable) return [];
  return recallInto(tx, c, showId, await activeRecalls(tx, showId, c.now(), windowMinutes));
}

/**
 * Auto-recall when the show's recall lock is free (a completion: another pass holding the lock sees
 * the same window). The lock and the window's count go out together, one round trip for both: the
 * server runs them in order, so the count is read after the lock is granted.
 */
export async function autoRecallIfFree(tx: Tx, c: CallContext, showId: number): Promise<Game[]> {
  const { windowMinutes, disable } = c.app.config.recall;
  if (disable) return [];
  const [locked, active] = await Promise.all([
    tryLock(tx, 'recall', showId),
    activeRecalls(tx, showId, c.now(), windowMinutes),
  ]);
  return locked ? recallInto(tx, c, showId, active) : [];
}

/** Recalls into the window, `active` of it taken; the caller holds the show's recall lock. */
async function recallInto(tx: Tx, c: CallContext, showId: number, active: number): Promise<Game[]> {
  let wanted = recallsToMake(c.app.config.recall.windowSize, active);
  const system: CallContext = { ...c, actor: SYSTEM_ACTOR };
  const recalled: Game[] = [];
  const tried: number[] = [0];
  while (wanted > 0) {
    const candidates = await nextToRecall(tx, { showId, tried, wanted });
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

/**
 * Cancels the show's no-shows: RECALLED games not confirmed within the show's no-show minutes
 * (else NO_SHOW_MINUTES) of their latest recall, with reason NO_SHOW and actor system, and texts
 * each player the show's no-show text. The caller holds the show's recall lock.
 */
export async function cancelNoShowsLocked(tx: Tx, c: CallContext, showId: number): Promise<Game[]> {
  const now = c.now();
  const [show] = await tx.select().from(shows).where(eq(shows.id, showId));
  if (!show) return [];
  const minutes = noShowMinutes(show.noShowMinutes, c.app.config.recall.noShowMinutes);
  const due = await tx
    .select({ id: games.id })
    .from(games)
    .where(
      and(
        eq(games.showId, showId),
        eq(games.state, 'RECALLED'),
        lte(games.recalledAt, new Date(now.getTime() - minutes * 60_000)),
      ),
    )
    .orderBy(asc(games.recalledAt), asc(games.id));
  const system: CallContext = { ...c, actor: SYSTEM_ACTOR };
  const cancelled: Game[] = [];
  for (const { id } of due) {
    let game: Game;
    try {
      const moved = await transition(tx, system, id, 'cancel', undefined, 'NO_SHOW');
      if (moved.repeated) continue; // cancelled by someone else since we looked
      game = moved.game;
    } catch (err) {
      if (!(err instanceof IllegalTransitionError)) throw err;
      continue; // confirmed since we looked
    }
    cancelled.push(game);
    const [player] = await tx
      .select({ firstName: players.firstName, mobile: players.mobileNumber })
      .from(players)
      .where(eq(players.id, game.playerId));
    if (!player?.mobile) continue;
    await queueSms(tx, c.app.boss, {
      kind: 'no_show',
      playerId: game.playerId,
      gameId: game.id,
      to: player.mobile,
      body: await renderForGame(tx, c, show.noShowMessage ?? DEFAULT_TEXTS.noShow, {
        game,
        firstName: player.firstName,
      }),
      dedupeKey: `no_show:${game.id}`,
    });
  }
  if (cancelled.length) c.log.info({ showId, games: cancelled.map((g) => g.id), minutes }, 'no-shows cancelled');
  return cancelled;
}

/** One pass for one show in its own transaction: no-shows cancelled, then the window refilled. */
export function autoRecall(c: CallContext, showId: number): Promise<Game[]> {
  if (c.app.config.recall.disable) return Promise.resolve([]);
  return inTransaction(c, async (tx) => {
    await lock(tx, 'recall', showId);
    await cancelNoShowsLocked(tx, c, showId);
    return autoRecallLocked(tx, c, showId);
  });
}

/**
 * The periodic pass: every show with queued games (expired recalls free slots without any
 * mutation) or with recalls old enough to be no-shows.
 */
export async function autoRecallAll(c: CallContext): Promise<number> {
  if (c.app.config.recall.disable) return 0;
  const soonestNoShow = new Date(c.now().getTime() - 60_000);
  const rows = await c.db
    .selectDistinct({ showId: games.showId })
    .from(games)
    .where(
      sql`${games.state} = 'QUEUED' or (${games.state} = 'RECALLED' and ${games.recalledAt} <= ${soonestNoShow.toISOString()}::timestamptz)`,
    );
  let total = 0;
  for (const { showId } of rows) total += (await autoRecall(c, showId)).length;
  return total;
}
