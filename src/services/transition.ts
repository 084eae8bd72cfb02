// The state machine's core: one guarded UPDATE per move, driven by the TRANSITIONS table, plus the
// event row and the move's own effects (the recall text in the caller's transaction, the team in the
// move's own statement).
// The event row's trigger announces the change. Game and recall services both build on it.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import type { Executor, Tx } from '../db/client.js';
import { LOCKS } from '../db/locks.js';
import { columnsOf, preparedRows } from '../db/prepared.js';
import { gameEvents, games, players, shows, type Game, type GameEvent } from '../db/schema.js';
import { IllegalTransitionError, NotFoundError } from '../domain/errors.js';
import { isRepeat, TRANSITIONS, type GameAction, type GameState } from '../domain/game-states.js';
import type { CancelReason } from '../domain/no-show.js';
import { sameResult, type GameResult } from '../domain/result.js';
import { queueSms } from '../jobs/outbox.js';
import { renderForGame } from './texts.service.js';

export interface TransitionOutcome {
  game: Game;
  /** A retried move (see isRepeat): nothing was recorded, and the caller has nothing more to do. */
  repeated: boolean;
  /** The player's mobile number, read with the move (null: none); absent for a repeated move. */
  mobile?: string | null;
}

/**
 * The guarded UPDATE of one move and its event row, in one statement: the previous state is read
 * under a row lock in the same statement, and the event is inserted only when the row moved. One
 * statement per variant of the move (its columns differ), built once.
 */
const moves = new Map<string, ReturnType<typeof moveStatement>>();

// Read in the same statement, for the move's effects: the recall text, the souvenir's text.
interface MoveExtras extends Record<string, unknown> {
  fromState: GameState;
  eventId: string | number;
  firstName: string;
  mobile: string | null;
  recallTemplate: string;
}

function moveStatement(action: GameAction, withResult: boolean, withReason: boolean) {
  const t = TRANSITIONS[action];
  const p = (name: string) => sql.placeholder(name);
  const at = sql`${p('at')}::timestamptz`;
  const col = (c: { name: string }) => sql.identifier(c.name);
  const set: SQL[] = [sql`${col(games.state)} = ${t.to}`, sql`${col(games.updatedAt)} = ${at}`];
  if (action === 'recall') {
    // The latest recall counts for the window, so it always moves; the count keeps the history.
    set.push(sql`${col(games.recalledAt)} = ${at}`, sql`${col(games.recallCount)} = ${games.recallCount} + 1`);
  } else {
    set.push(sql`${col(games[t.stamp])} = coalesce(${games[t.stamp]}, ${at})`);
  }
  if (withResult) {
    set.push(
      sql`${col(games.score)} = ${p('score')}`,
      sql`${col(games.distance)} = ${p('distance')}`,
      sql`${col(games.homeruns)} = ${p('homeruns')}`,
    );
  }
  if (withReason) set.push(sql`${col(games.cancelReason)} = ${p('reason')}`);
  // A confirmed player without a team joins the smallest one (drizzle/0011_team_join.sql), in this
  // statement: the team lock is then held inside PostgreSQL only, never across a round trip.
  const joinTeam =
    action === 'confirm' ? sql`, mlb_join_smallest_team(moved.player_id, ${sql.raw(String(LOCKS.team))})` : sql``;
  return preparedRows<typeof games, MoveExtras>(
    `move_${action}${withResult ? '_result' : ''}${withReason ? '_reason' : ''}`,
    games,
    ['fromState', 'eventId', 'firstName', 'mobile', 'recallTemplate'],
    () => sql`with moved as (
      update ${games} set ${sql.join(set, sql`, `)}
      from (select ${games.id}, ${games.state} from ${games} where ${games.id} = ${p('id')} for update) prev
      where ${games.id} = prev.id and prev.state in (${sql.join(
        t.from.map((s) => sql`${s}`),
        sql`, `,
      )})
      returning ${games}.*, prev.state as from_state
    ), event as (
      insert into ${gameEvents} (game_id, show_id, from_state, to_state, actor, at, correction)
      select moved.id, moved.show_id, moved.from_state, ${t.to}::game_state, ${p('actor')}::text, ${at}, null::jsonb
      from moved
      returning id
    )
    select ${columnsOf(games, 'moved')}, moved.from_state, event.id,
      ${players.firstName}, ${players.mobileNumber}, ${shows.recallMessage}${joinTeam}
    from moved
    join event on true
    join ${players} on ${players.id} = moved.player_id
    join ${shows} on ${shows.id} = moved.show_id`,
  );
}

/**
 * Moves one game by `action`. The row is locked and its state checked in the same statement, so
 * of many clients racing on one game exactly one wins; the others get ILLEGAL_TRANSITION, except a
 * repeat of the move that already brought the game where it is, which answers the game unchanged.
 */
export async function transition(
  tx: Executor,
  c: CallContext,
  gameId: number,
  action: GameAction,
  result?: GameResult,
  cancelReason?: CancelReason,
): Promise<TransitionOutcome> {
  const withReason = action === 'cancel' && Boolean(cancelReason);
  const key = `${action}:${Boolean(result)}:${withReason}`;
  let move = moves.get(key);
  if (!move) moves.set(key, (move = moveStatement(action, Boolean(result), withReason)));
  const [row] = await move(tx, {
    id: gameId,
    at: c.now().toISOString(),
    actor: c.actor,
    ...(result ?? {}),
    reason: cancelReason ?? null,
  });
  if (!row) {
    const [current] = await tx.select().from(games).where(eq(games.id, gameId));
    if (!current) throw new NotFoundError('Game', gameId);
    if (isRepeat(action, current.state, !result || sameResult(current, result)))
      return { game: current, repeated: true };
    throw new IllegalTransitionError(current.state, TRANSITIONS[action].to);
  }
  const { fromState: _from, eventId, firstName, mobile, recallTemplate, ...game } = row;
  if (action === 'recall' && mobile) {
    await queueSms(tx, c.app.boss, {
      kind: 'recall',
      playerId: game.playerId,
      gameId: game.id,
      to: mobile,
      body: await renderForGame(tx, c, recallTemplate, { game, firstName }),
      // Each recall is its own event: a second recall texts again, a retried job never does.
      dedupeKey: `recall:${eventId}`,
    });
  }
  return { game, repeated: false, mobile };
}

/** Appends a game's event; its insert trigger announces the change to live subscribers at commit. */
async function recordEvent(tx: Tx, e: Omit<GameEvent, 'id'>): Promise<number> {
  const [row] = await tx.insert(gameEvents).values(e).returning({ id: gameEvents.id });
  return row!.id;
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

// A new game and its first event in one statement.
const insertGame = preparedRows<typeof games, Record<string, never>>('game_create', games, [], () => {
  const p = (name: string) => sql.placeholder(name);
  const at = sql`${p('at')}::timestamptz`;
  return sql`with game as (
    insert into ${games} (player_id, show_id, created_at, updated_at)
    values (${p('playerId')}::int, ${p('showId')}::int, ${at}, ${at})
    returning *
  ), event as (
    insert into ${gameEvents} (game_id, show_id, from_state, to_state, actor, at, correction)
    select game.id, game.show_id, null::game_state, 'NEW'::game_state, ${p('actor')}::text, ${at}, null::jsonb
    from game
    returning id
  )
  select ${columnsOf(games, 'game')} from game, event`;
});

/** A new NEW game; its creation is the first entry of its history. */
export async function createGame(tx: Tx, c: CallContext, playerId: number, showId: number): Promise<Game> {
  const [game] = await insertGame(tx, { playerId, showId, at: c.now().toISOString(), actor: c.actor });
  return game!;
}
