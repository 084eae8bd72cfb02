// The player's own status page (/p/<token>): what one game shows its player, found by the game's
// unguessable token, and leaving the line from it. Nothing of any other player, and no number.
import { eq } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import type { Executor } from '../db/client.js';
import { games, players, shows, type Game } from '../db/schema.js';
import { DomainError } from '../domain/errors.js';
import type { GameState } from '../domain/game-states.js';
import { noShowMinutes, type CancelReason } from '../domain/no-show.js';
import { playerActor } from '../domain/roles.js';
import { cancelGame } from './game.service.js';
import { placeOf } from './queue.service.js';

export interface PlayerStatusView {
  firstName: string;
  showName: string;
  state: GameState;
  position: number | null;
  estimatedWaitSeconds: number | null;
  recalledAt: Date | null;
  /** A recalled player is a no-show after this. */
  respondBy: Date | null;
  cancelReason: CancelReason | null;
}

const TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** The game a status-page token names, or null (also for anything that cannot be a token). */
export async function gameByToken(db: Executor, token: string): Promise<Game | null> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null;
  const [game] = await db.select().from(games).where(eq(games.token, token));
  return game ?? null;
}

export class UnknownTokenError extends DomainError {
  constructor() {
    super('NOT_FOUND', 'No game has this link', { entity: 'PlayerStatus' });
  }
}

export async function statusOf(c: CallContext, db: Executor, game: Game): Promise<PlayerStatusView> {
  const [row] = await db
    .select({ firstName: players.firstName, showName: shows.name, noShowMinutes: shows.noShowMinutes })
    .from(games)
    .innerJoin(players, eq(players.id, games.playerId))
    .innerJoin(shows, eq(shows.id, games.showId))
    .where(eq(games.id, game.id));
  const place = await placeOf(db, game, c.now());
  const minutes = noShowMinutes(row?.noShowMinutes, c.app.config.recall.noShowMinutes);
  return {
    firstName: row?.firstName ?? '',
    showName: row?.showName ?? '',
    state: game.state,
    position: place.position,
    estimatedWaitSeconds: place.estimatedWaitSeconds,
    recalledAt: game.recalledAt,
    respondBy:
      game.state === 'RECALLED' && game.recalledAt ? new Date(game.recalledAt.getTime() + minutes * 60_000) : null,
    cancelReason: game.cancelReason,
  };
}

export async function statusByToken(c: CallContext, token: string): Promise<PlayerStatusView | null> {
  const game = await gameByToken(c.read, token);
  return game ? statusOf(c, c.read, game) : null;
}

/** The player leaves the line from their page: their game is cancelled as theirs (PLAYER_LEFT). */
export async function leaveByToken(c: CallContext, token: string): Promise<PlayerStatusView> {
  const game = await gameByToken(c.db, token);
  if (!game) throw new UnknownTokenError();
  const left = await cancelGame({ ...c, actor: playerActor(game.playerId) }, game.id, 'PLAYER_LEFT');
  return statusOf(c, c.db, left);
}
