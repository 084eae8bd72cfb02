// Reads of players for `players(filter, orderBy, first, after)`. The state and game-date filters and
// the GAME_* orders refer to each player's active game: their latest (highest id).
import { and, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import type { Db } from '../db/client.js';
import {
  afterCursor,
  cursorKey,
  onLocalDay,
  orderByKeyset,
  toPage,
  type KeysetOrder,
  type Page,
} from '../db/keyset.js';
import { games, players, teams, type Player } from '../db/schema.js';
import { pageSize } from '../domain/cursor.js';
import { type GameState } from '../domain/game-states.js';
import { type Handedness } from '../domain/player-input.js';

export const PLAYER_ORDERS = [
  'SCORE_DESC',
  'CREATED_ASC',
  'CREATED_DESC',
  'GAME_CREATED_ASC',
  'GAME_UPDATED_ASC',
  'GAME_UPDATED_DESC',
] as const;
export type PlayerOrderName = (typeof PLAYER_ORDERS)[number];
export const DEFAULT_PLAYER_ORDER: PlayerOrderName = 'CREATED_DESC';

export interface PlayerFilterInput {
  /** Part of the first or last name, any letter case (a player at the desk asking for their game). */
  name?: string | null;
  state?: GameState | null;
  team?: string | null;
  handedness?: Handedness | null;
  signedWaiver?: boolean | null;
  isFinalist?: boolean | null;
  gameCreatedOn?: string | null;
  gameUpdatedOn?: string | null;
}

export interface PlayersArgs {
  filter?: PlayerFilterInput | null;
  orderBy?: PlayerOrderName | null;
  first?: number | null;
  after?: string | null;
}

function activeGameOf(db: Db) {
  return db
    .select({ state: games.state, createdAt: games.createdAt, updatedAt: games.updatedAt })
    .from(games)
    .where(eq(games.playerId, players.id))
    .orderBy(desc(games.id))
    .limit(1)
    .as('active');
}
type Active = ReturnType<typeof activeGameOf>;

/** Best COMPLETED score; -1 for a player without one, so they sort after every real score. */
const bestScore = sql<number>`coalesce((select max(scored.score) from ${games} scored where scored.player_id = ${players.id} and scored.state = 'COMPLETED'), -1)`;

function orders(active: Active): Record<PlayerOrderName, KeysetOrder> {
  // A player without any game sorts by their own creation time under the GAME_* orders.
  const gameCreated = sql`coalesce(${active.createdAt}, ${players.createdAt})`;
  const gameUpdated = sql`coalesce(${active.updatedAt}, ${players.createdAt})`;
  const o = (
    name: PlayerOrderName,
    key: KeysetOrder['key'],
    kind: KeysetOrder['kind'],
    dir: KeysetOrder['dir'],
  ): KeysetOrder => ({ name, key, kind, dir, id: players.id });
  return {
    SCORE_DESC: o('SCORE_DESC', bestScore, 'int', 'desc'),
    CREATED_ASC: o('CREATED_ASC', players.createdAt, 'timestamp', 'asc'),
    CREATED_DESC: o('CREATED_DESC', players.createdAt, 'timestamp', 'desc'),
    GAME_CREATED_ASC: o('GAME_CREATED_ASC', gameCreated, 'timestamp', 'asc'),
    GAME_UPDATED_ASC: o('GAME_UPDATED_ASC', gameUpdated, 'timestamp', 'asc'),
    GAME_UPDATED_DESC: o('GAME_UPDATED_DESC', gameUpdated, 'timestamp', 'desc'),
  };
}

function playerWhere(
  db: Db,
  active: Active,
  filter: PlayerFilterInput | null | undefined,
  timeZone: string,
  signedIn: boolean,
): SQL | undefined {
  if (!filter) return undefined;
  const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;
  const name = filter.name?.trim();
  const pattern = name ? `%${name.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%` : null;
  return and(
    // Anonymous callers see only a last initial, so they may not search by last name either.
    pattern && signedIn
      ? sql`(${players.firstName} ilike ${pattern} or ${players.lastName} ilike ${pattern} or (${players.firstName} || ' ' || coalesce(${players.lastName}, '')) ilike ${pattern})`
      : undefined,
    pattern && !signedIn ? sql`${players.firstName} ilike ${pattern}` : undefined,
    filter.state ? eq(active.state, filter.state) : undefined,
    filter.team
      ? inArray(
          players.teamId,
          db
            .select({ id: teams.id })
            .from(teams)
            .where(sql`lower(${teams.name}) = lower(${filter.team.trim()})`),
        )
      : undefined,
    filter.handedness ? eq(players.handedness, filter.handedness) : undefined,
    given(filter.signedWaiver) ? eq(players.signedWaiver, filter.signedWaiver) : undefined,
    given(filter.isFinalist) ? eq(players.isFinalist, filter.isFinalist) : undefined,
    filter.gameCreatedOn ? onLocalDay(active.createdAt, filter.gameCreatedOn, timeZone) : undefined,
    filter.gameUpdatedOn ? onLocalDay(active.updatedAt, filter.gameUpdatedOn, timeZone) : undefined,
  );
}

export async function findPlayers(c: CallContext, args: PlayersArgs): Promise<Page<Player>> {
  const db = c.read;
  const timeZone = c.app.config.timeZone;
  const active = activeGameOf(db);
  const order = orders(active)[args.orderBy ?? DEFAULT_PLAYER_ORDER];
  const size = pageSize(args.first);
  const where = playerWhere(db, active, args.filter, timeZone, c.actor !== 'anonymous');
  const after = afterCursor(order, args.after);
  const [rows, [total]] = await Promise.all([
    db
      .select({ player: players, key: cursorKey(order) })
      .from(players)
      .leftJoinLateral(active, sql`true`)
      .where(and(where, after))
      .orderBy(...orderByKeyset(order))
      .limit(size + 1),
    db
      .select({ n: count() })
      .from(players)
      .leftJoinLateral(active, sql`true`)
      .where(where),
  ]);
  return toPage(order, rows, size, total?.n ?? 0, args.after, (r) => ({ node: r.player, id: r.player.id, key: r.key }));
}
