// The state machine's core: one guarded UPDATE per move, driven by the TRANSITIONS table, plus the
// event row and the move's own effects (the recall text, the team), all in the caller's transaction.
// The event row's trigger announces the change. Game and recall services both build on it.
import { and, count, eq, getTableColumns, inArray, isNull, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { lock } from '../db/locks.js';
import { gameEvents, games, players, shows, teams, type Game, type GameEvent } from '../db/schema.js';
import { IllegalTransitionError, NotFoundError } from '../domain/errors.js';
import { isRepeat, TRANSITIONS, type GameAction } from '../domain/game-states.js';
import type { CancelReason } from '../domain/no-show.js';
import { sameResult, type GameResult } from '../domain/result.js';
import { smallestTeam } from '../domain/team-assignment.js';
import { queueSms } from '../jobs/outbox.js';
import { renderForGame } from './texts.service.js';

export interface TransitionOutcome {
  game: Game;
  /** A retried move (see isRepeat): nothing was recorded, and the caller has nothing more to do. */
  repeated: boolean;
}

/**
 * Moves one game by `action`. The row is locked and its state checked in the same statement, so
 * of many clients racing on one game exactly one wins; the others get ILLEGAL_TRANSITION, except a
 * repeat of the move that already brought the game where it is, which answers the game unchanged.
 */
export async function transition(
  tx: Tx,
  c: CallContext,
  gameId: number,
  action: GameAction,
  result?: GameResult,
  cancelReason?: CancelReason,
): Promise<TransitionOutcome> {
  const t = TRANSITIONS[action];
  const now = c.now();
  const at = sql`${now.toISOString()}::timestamptz`;
  const set: Record<string, unknown> = { state: t.to, updatedAt: now, ...(result ?? {}) };
  if (action === 'cancel' && cancelReason) set.cancelReason = cancelReason;
  if (action === 'recall') {
    // The latest recall counts for the window, so it always moves; the count keeps the history.
    set.recalledAt = now;
    set.recallCount = sql`${games.recallCount} + 1`;
  } else {
    set[t.stamp] = sql`coalesce(${games[t.stamp]}, ${at})`;
  }
  const prev = tx
    .select({ id: games.id, state: games.state })
    .from(games)
    .where(eq(games.id, gameId))
    .for('update')
    .as('prev');
  const [row] = await tx
    .update(games)
    .set(set)
    .from(prev)
    .where(and(eq(games.id, prev.id), inArray(prev.state, [...t.from])))
    .returning({ ...getTableColumns(games), fromState: prev.state });
  if (!row) {
    const [current] = await tx.select().from(games).where(eq(games.id, gameId));
    if (!current) throw new NotFoundError('Game', gameId);
    if (isRepeat(action, current.state, !result || sameResult(current, result)))
      return { game: current, repeated: true };
    throw new IllegalTransitionError(current.state, t.to);
  }
  const { fromState, ...game } = row;
  const eventId = await recordEvent(tx, {
    gameId,
    showId: game.showId,
    fromState,
    toState: t.to,
    actor: c.actor,
    at: now,
    correction: null,
  });
  if (action === 'recall') await textRecall(tx, c, game, eventId);
  if (action === 'confirm') await assignTeam(tx, game.playerId);
  return { game, repeated: false };
}

/** Appends a game's event; its insert trigger announces the change to live subscribers at commit. */
async function recordEvent(tx: Tx, e: Omit<GameEvent, 'id'>): Promise<number> {
  const [row] = await tx.insert(gameEvents).values(e).returning({ id: gameEvents.id });
  return row!.id;
}

async function textRecall(tx: Tx, c: CallContext, game: Game, eventId: number): Promise<void> {
  const [row] = await tx
    .select({ firstName: players.firstName, mobile: players.mobileNumber, template: shows.recallMessage })
    .from(players)
    .innerJoin(shows, eq(shows.id, game.showId))
    .where(eq(players.id, game.playerId));
  if (!row?.mobile) return;
  await queueSms(tx, c.app.boss, {
    kind: 'recall',
    playerId: game.playerId,
    gameId: game.id,
    to: row.mobile,
    body: await renderForGame(tx, c, row.template, { game, firstName: row.firstName }),
    // Each recall is its own event: a second recall texts again, a retried job never does.
    dedupeKey: `recall:${eventId}`,
  });
}

/** A player without a team joins the smallest one; serialized so simultaneous confirms stay balanced. */
async function assignTeam(tx: Tx, playerId: number): Promise<void> {
  const [player] = await tx.select({ teamId: players.teamId }).from(players).where(eq(players.id, playerId));
  if (!player || player.teamId !== null) return;
  await lock(tx, 'team');
  const sizes = await tx
    .select({ id: teams.id, memberCount: count(players.id) })
    .from(teams)
    .leftJoin(players, eq(players.teamId, teams.id))
    .groupBy(teams.id);
  const teamId = smallestTeam(sizes);
  if (teamId === null) return;
  await tx
    .update(players)
    .set({ teamId })
    .where(and(eq(players.id, playerId), isNull(players.teamId)));
}

/**
 * Corrects the result of a COMPLETED game (a VR rig that reported a wrong score). The game stays
 * COMPLETED; its history gets a COMPLETED → COMPLETED event holding the result before and after,
 * whose trigger announces the change like any move. Anything else than COMPLETED is
 * ILLEGAL_TRANSITION: a correction is the only edit of a finished game.
 */
export async function correctCompleted(
  tx: Tx,
  c: CallContext,
  gameId: number,
  after: GameResult,
): Promise<{ game: Game; before: GameResult; eventId: number }> {
  const [current] = await tx.select().from(games).where(eq(games.id, gameId)).for('update');
  if (!current) throw new NotFoundError('Game', gameId);
  if (current.state !== 'COMPLETED') throw new IllegalTransitionError(current.state, 'COMPLETED');
  const before: GameResult = { score: current.score, distance: current.distance, homeruns: current.homeruns };
  const now = c.now();
  const [game] = await tx
    .update(games)
    .set({ ...after, updatedAt: now })
    .where(eq(games.id, gameId))
    .returning();
  const eventId = await recordEvent(tx, {
    gameId,
    showId: current.showId,
    fromState: 'COMPLETED',
    toState: 'COMPLETED',
    actor: c.actor,
    at: now,
    correction: { before, after },
  });
  return { game: game!, before, eventId };
}

/** A new NEW game; its creation is the first entry of its history. */
export async function createGame(tx: Tx, c: CallContext, playerId: number, showId: number): Promise<Game> {
  const now = c.now();
  const [game] = await tx.insert(games).values({ playerId, showId, createdAt: now, updatedAt: now }).returning();
  await recordEvent(tx, {
    gameId: game!.id,
    showId,
    fromState: null,
    toState: 'NEW',
    actor: c.actor,
    at: now,
    correction: null,
  });
  return game!;
}
