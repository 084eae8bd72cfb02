// Players: sign-up (player + first game in one transaction), edits, and a new game for a returning player.
import { createHash } from 'node:crypto';
import { and, desc, eq, gte, lte, sql } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { lock } from '../db/locks.js';
import { games, players, teams, type Game, type Player } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import { FINISHED_STATES } from '../domain/game-states.js';
import {
  assertNoFieldErrors,
  checkPlayerInput,
  type PlayerFields,
  type RawPlayerInput,
  type Handedness,
  SIGNUP_TWIN_SECONDS,
} from '../domain/player-input.js';
import { createGame } from './transition.js';
import { queueSms } from '../jobs/outbox.js';
import { resolveShow } from './show.service.js';
import { renderForGame } from './texts.service.js';
import { inTransaction, type CallContext } from '../context.js';

export interface SignUpRequest extends RawPlayerInput {
  firstName: string;
  handedness: Handedness;
  showId?: string | null;
}

/** Checks every field, including the team name against the teams table, and reports all problems at once. */
async function checkFields(tx: Tx, c: CallContext, input: RawPlayerInput, requireAll: boolean) {
  const { value, errors } = checkPlayerInput(input, c.app.config.phoneRegion, requireAll);
  const teamErrors: Record<string, string> = {};
  let teamId: number | null | undefined;
  if (value.team !== undefined) {
    teamId = value.team === null ? null : await teamIdByName(tx, value.team);
    if (teamId === undefined) teamErrors.team = `no team is named "${value.team}"`;
  }
  assertNoFieldErrors(errors, teamErrors);
  const { team: _name, ...columns } = value;
  return { columns, teamId };
}

async function teamIdByName(tx: Tx, name: string): Promise<number | undefined> {
  const [row] = await tx
    .select({ id: teams.id })
    .from(teams)
    .where(sql`lower(${teams.name}) = lower(${name})`)
    .orderBy(teams.id)
    .limit(1);
  return row?.id;
}

export interface SignedUp {
  player: Player;
  /** The player's new game; null when a double tap answered the player signed up moments ago. */
  game: Game | null;
}

export async function signUp(c: CallContext, input: SignUpRequest): Promise<Player> {
  return (await signUpWithGame(c, input)).player;
}

/** signUp, also answering the game it created (the API answers it without reading it back). */
export async function signUpWithGame(c: CallContext, input: SignUpRequest): Promise<SignedUp> {
  return inTransaction(c, async (tx) => {
    const { columns, teamId } = await checkFields(tx, c, input, true);
    const show = await resolveShow(tx, input.showId);
    const now = c.now();
    const twin = await earlierTwin(tx, show.id, columns, now);
    if (twin) {
      c.log.info({ playerId: twin.id, showId: show.id }, 'sign-up repeated within seconds: answering the first player');
      return { player: twin, game: null };
    }
    const [player] = await tx
      .insert(players)
      .values({
        ...(columns as Required<Pick<PlayerFields, 'firstName' | 'handedness'>> & PlayerFields),
        teamId: teamId ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    const game = await createGame(tx, c, player!.id, show.id);
    if (player!.mobileNumber) {
      await queueSms(tx, c.app.boss, {
        kind: 'welcome',
        playerId: player!.id,
        to: player!.mobileNumber,
        body: await renderForGame(tx, c, show.welcomeMessage, { game, firstName: player!.firstName }),
        dedupeKey: `welcome:${player!.id}`,
      });
    }
    return { player: player!, game };
  });
}

/**
 * The player an identical sign-up (same show, names and mobile number) created moments ago: a double tap
 * answers that player rather than creating a second one and texting twice. Identical sign-ups wait
 * for each other on a transaction-scoped advisory lock, so the later one sees the first committed.
 */
async function earlierTwin(tx: Tx, showId: number, f: PlayerFields, now: Date): Promise<Player | null> {
  // Without a number nothing is texted, and namesakes without phones (children) are told apart by the staff.
  if (!f.mobileNumber) return null;
  const identity = JSON.stringify([showId, f.firstName, f.lastName ?? null, f.mobileNumber]);
  const since = new Date(now.getTime() - SIGNUP_TWIN_SECONDS * 1000);
  // The lock and the read go out together, one round trip for both: the server runs them in order,
  // so the read starts once the lock is granted and sees the first sign-up committed.
  const [, [row]] = await Promise.all([
    lock(tx, 'signUp', createHash('sha256').update(identity).digest().readInt32BE(0)),
    twinOf(tx, {
      showId,
      firstName: f.firstName,
      lastName: f.lastName ?? null,
      mobile: f.mobileNumber,
      since: since.toISOString(),
      now: now.toISOString(),
    }),
  ]);
  return row?.player ?? null;
}

const twinOf = prepared('signup_twin', (db) => {
  const p = (name: string) => sql.placeholder(name);
  return db
    .select({ player: players })
    .from(players)
    .innerJoin(games, eq(games.playerId, players.id))
    .where(
      and(
        eq(games.showId, p('showId')),
        eq(players.firstName, p('firstName')),
        sql`${players.lastName} is not distinct from ${p('lastName')}::text`,
        eq(players.mobileNumber, p('mobile')),
        gte(players.createdAt, sql`${p('since')}::timestamptz`),
        lte(players.createdAt, sql`${p('now')}::timestamptz`),
      ),
    )
    .orderBy(players.id)
    .limit(1);
});

export async function updatePlayer(c: CallContext, rawId: string | number, input: RawPlayerInput): Promise<Player> {
  const id = idOf('Player', rawId);
  return inTransaction(c, async (tx) => {
    const { columns, teamId } = await checkFields(tx, c, input, false);
    const [player] = await tx
      .update(players)
      .set({ ...columns, ...(teamId !== undefined ? { teamId } : {}), updatedAt: c.now() })
      .where(eq(players.id, id))
      .returning();
    if (!player) throw new NotFoundError('Player', rawId);
    return player;
  });
}

/** Records a stored photo (already scaled and toned) as the player's. */
export async function setPlayerPhoto(
  c: CallContext,
  playerId: number,
  photo: { key: string; url: string },
): Promise<Player> {
  return inTransaction(c, async (tx) => {
    const [player] = await tx
      .update(players)
      .set({ photoKey: photo.key, photoUrl: photo.url, updatedAt: c.now() })
      .where(eq(players.id, playerId))
      .returning();
    if (!player) throw new NotFoundError('Player', playerId);
    return player;
  });
}

async function latestGame(tx: Tx, playerId: number): Promise<Game | undefined> {
  const [game] = await tx.select().from(games).where(eq(games.playerId, playerId)).orderBy(desc(games.id)).limit(1);
  return game;
}

/** A returning player's next game; only once the active one is COMPLETED or CANCELLED. */
export async function startGame(c: CallContext, rawPlayerId: string | number, showId?: string | null): Promise<Game> {
  const playerId = idOf('Player', rawPlayerId);
  return inTransaction(c, async (tx) => {
    // Locking the player serializes two tablets pressing "play again" at once: one game, one CONFLICT.
    const [player] = await tx.select({ id: players.id }).from(players).where(eq(players.id, playerId)).for('update');
    if (!player) throw new NotFoundError('Player', rawPlayerId);
    const active = await latestGame(tx, playerId);
    if (active && !FINISHED_STATES.includes(active.state)) {
      throw new ConflictError(
        `Player ${playerId} already has game ${active.id} in state ${active.state}; finish or cancel it first`,
        {
          gameId: String(active.id),
          state: active.state,
        },
      );
    }
    const show = await resolveShow(tx, showId);
    return createGame(tx, c, playerId, show.id);
  });
}
