// Game use cases: each move in its own transaction on the transition core; completions and
// cancellations refill the recall window.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { inTransaction, type CallContext } from '../context.js';
import type { Tx } from '../db/client.js';
import { lock } from '../db/locks.js';
import { games, messages, players, uploads, type Game } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import type { CancelReason } from '../domain/no-show.js';
import { checkResult, type GameResult } from '../domain/result.js';
import { queueSouvenir } from '../jobs/outbox.js';
import { autoRecallIfFree, autoRecallLocked } from './recall.service.js';
import { recordAudit } from './audit.service.js';
import { correctCompleted, transition } from './transition.js';

/** queue, recall, confirm, play: a plain transition, atomic on its own. */
export async function moveGame(
  c: CallContext,
  rawId: string | number,
  action: 'queue' | 'recall' | 'confirm' | 'play',
): Promise<Game> {
  const id = idOf('Game', rawId);
  // Queueing, confirming and playing are one statement each (row lock, guarded update, event and a
  // confirm's team together), atomic on their own: a BEGIN and a COMMIT around it would be two round
  // trips of three. A recall also queues its text, in the same transaction.
  if (action !== 'recall') return (await transition(c.db, c, id, action)).game;
  return inTransaction(c, async (tx) => (await transition(tx, c, id, action)).game);
}

/**
 * complete and cancel trigger auto-recall. A cancel may free a recall slot (a RECALLED game), so it
 * waits for the show's recall lock, taken before the row lock — the order auto-recall uses, so they
 * cannot deadlock. A completion (of a PLAYING game) frees no slot: when another transaction already
 * holds the lock, that one's pass sees the same window, so the completion skips its own pass instead
 * of queueing every completion of the show behind one lock.
 */
async function finishGame(
  c: CallContext,
  rawId: string | number,
  action: 'complete' | 'cancel',
  result?: GameResult,
  cancelReason?: CancelReason,
): Promise<Game> {
  const id = idOf('Game', rawId);
  return inTransaction(c, async (tx) => {
    if (action === 'cancel') {
      const [found] = await tx.select({ showId: games.showId }).from(games).where(eq(games.id, id));
      if (!found) throw new NotFoundError('Game', rawId);
      await lock(tx, 'recall', found.showId);
    }
    const { game, repeated, mobile } = await transition(tx, c, id, action, result, cancelReason);
    if (repeated) return game;
    if (action === 'cancel') await autoRecallLocked(tx, c, game.showId);
    // Independent statements on one connection go out together: one round trip for all of them.
    else
      await Promise.all([
        queueSouvenir(tx, c.app.boss, game.id, Boolean(mobile)),
        autoRecallIfFree(tx, c, game.showId),
      ]);
    return game;
  });
}

export function completeGame(c: CallContext, rawId: string | number, result: GameResult): Promise<Game> {
  const checked = checkResult(result);
  return finishGame(c, rawId, 'complete', checked);
}

/** `reason` when the server knows why (the player left the line, a no-show); null for staff and devices. */
export function cancelGame(c: CallContext, rawId: string | number, reason?: CancelReason): Promise<Game> {
  return finishGame(c, rawId, 'cancel', undefined, reason);
}

/** The game, locked for this transaction; only a COMPLETED game has a souvenir. */
async function lockCompletedGame(tx: Tx, id: number, rawId: string | number): Promise<Game> {
  const [game] = await tx.select().from(games).where(eq(games.id, id)).for('update');
  if (!game) throw new NotFoundError('Game', rawId);
  if (game.state !== 'COMPLETED') {
    throw new ConflictError(`Game ${id} is ${game.state}; only a COMPLETED game has a souvenir`, {
      state: game.state,
    });
  }
  return game;
}

/** Renders the souvenir again (e.g. after a new photo) without texting the player a second time. */
export async function regenerateSouvenir(c: CallContext, rawId: string | number): Promise<Game> {
  const id = idOf('Game', rawId);
  return inTransaction(c, async (tx) => {
    const game = await lockCompletedGame(tx, id, rawId);
    await queueSouvenir(tx, c.app.boss, game.id, false);
    return game;
  });
}

/**
 * Corrects the result of a COMPLETED game: scores, leaderboard, board and subscriptions follow
 * from the game row and its announced correction event; the souvenir is rendered again and, only
 * with `notify`, texted to the player again (a new text, keyed by the correction).
 */
export async function correctResult(
  c: CallContext,
  rawId: string | number,
  result: GameResult,
  notify: boolean,
): Promise<Game> {
  const id = idOf('Game', rawId);
  const after = checkResult(result);
  return inTransaction(c, async (tx) => {
    const { game, before, eventId } = await correctCompleted(tx, c, id, after);
    await recordAudit(tx, c, 'game.correct', `game:${id}`, { before, after, notify });
    const mobile = notify && (await mobileOf(tx, game.playerId));
    await queueSouvenir(tx, c.app.boss, id, Boolean(mobile), {
      rerender: true,
      textKey: `souvenir:${id}:correction:${eventId}`,
    });
    return game;
  });
}

/**
 * Texts the player their souvenir again, as a new message, for one that never arrived; renders it
 * first when it was never stored (or never reached S3). Refused while a souvenir text or render
 * for the game is still on its way: that one will arrive, and the player would be texted twice.
 */
export async function resendSouvenir(c: CallContext, rawId: string | number): Promise<Game> {
  const id = idOf('Game', rawId);
  return inTransaction(c, async (tx) => {
    const game = await lockCompletedGame(tx, id, rawId);
    if (!(await mobileOf(tx, game.playerId))) throw new ConflictError(`The player of game ${id} has no mobile number`);
    const [waiting] = await tx
      .select({ id: messages.id })
      .from(messages)
      .where(and(eq(messages.gameId, id), eq(messages.kind, 'souvenir'), eq(messages.status, 'queued')))
      .limit(1);
    if (waiting) {
      throw new ConflictError(`A souvenir text for game ${id} is still waiting to be sent`, { messageId: waiting.id });
    }
    const [uploading] = await tx
      .select({ id: uploads.id })
      .from(uploads)
      .where(and(eq(uploads.gameId, id), eq(uploads.status, 'pending'), eq(uploads.notify, true)))
      .limit(1);
    const rendering = await tx.execute(
      sql`select 1 from pgboss.job where name = 'souvenir' and state in ('created', 'retry', 'active')
          and data->>'gameId' = ${String(id)} and (data->>'notify')::boolean`,
    );
    if (uploading || rendering.length > 0) {
      throw new ConflictError(`The souvenir of game ${id} is still being produced; its text follows`);
    }
    await queueSouvenir(tx, c.app.boss, id, true, { textKey: `souvenir:${id}:resend:${randomUUID()}` });
    return game;
  });
}

async function mobileOf(tx: Tx, playerId: number): Promise<string | null> {
  const [player] = await tx.select({ mobile: players.mobileNumber }).from(players).where(eq(players.id, playerId));
  return player?.mobile ?? null;
}
