// Reads of games for `games(filter, orderBy, first, after)` and the staff CSV export.
import { and, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
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
import { games, players, teams, type Game } from '../db/schema.js';
import { pageSize } from '../domain/cursor.js';
import { parseId } from '../domain/ids.js';
import { type GameState } from '../domain/game-states.js';

export const GAME_ORDERS = ['CREATED_ASC', 'CREATED_DESC', 'SCORE_DESC', 'UPDATED_DESC'] as const;
export type GameOrderName = (typeof GAME_ORDERS)[number];
export const DEFAULT_GAME_ORDER: GameOrderName = 'CREATED_DESC';

export interface GameFilterInput {
  state?: GameState | null;
  showId?: string | number | null;
  /** Team name of the game's player (case-insensitive). */
  team?: string | null;
  /** Calendar days in the server time zone. */
  createdOn?: string | null;
  updatedOn?: string | null;
}

export interface GamesArgs {
  filter?: GameFilterInput | null;
  orderBy?: GameOrderName | null;
  first?: number | null;
  after?: string | null;
}

const ORDERS: Record<GameOrderName, KeysetOrder> = {
  CREATED_ASC: { name: 'CREATED_ASC', key: games.createdAt, kind: 'timestamp', dir: 'asc', id: games.id },
  CREATED_DESC: { name: 'CREATED_DESC', key: games.createdAt, kind: 'timestamp', dir: 'desc', id: games.id },
  SCORE_DESC: { name: 'SCORE_DESC', key: games.score, kind: 'int', dir: 'desc', id: games.id },
  UPDATED_DESC: { name: 'UPDATED_DESC', key: games.updatedAt, kind: 'timestamp', dir: 'desc', id: games.id },
};

export function teamMembers(db: Db, team: string) {
  return db
    .select({ id: players.id })
    .from(players)
    .innerJoin(teams, eq(teams.id, players.teamId))
    .where(sql`lower(${teams.name}) = lower(${team.trim()})`);
}

export function gameWhere(db: Db, filter: GameFilterInput | null | undefined, timeZone: string): SQL | undefined {
  if (!filter) return undefined;
  const parts: Array<SQL | undefined> = [
    filter.state ? eq(games.state, filter.state) : undefined,
    filter.showId !== undefined && filter.showId !== null
      ? eq(games.showId, parseId(filter.showId, 'filter.showId'))
      : undefined,
    filter.team ? inArray(games.playerId, teamMembers(db, filter.team)) : undefined,
    filter.createdOn ? onLocalDay(games.createdAt, filter.createdOn, timeZone) : undefined,
    filter.updatedOn ? onLocalDay(games.updatedAt, filter.updatedOn, timeZone) : undefined,
  ];
  return and(...parts);
}

/** One page of games plus the total matching the filter, read where the call reads. */
export function findGames(c: CallContext, args: GamesArgs): Promise<Page<Game>> {
  return gamesPage(c.read, args, c.app.config.timeZone);
}

/** One page of games; the export reads larger batches (`maxPage`) and skips the count. */
async function gamesPage(
  db: Db,
  args: GamesArgs,
  timeZone: string,
  opts: { maxPage?: number; count?: boolean } = {},
): Promise<Page<Game>> {
  const order = ORDERS[args.orderBy ?? DEFAULT_GAME_ORDER];
  const size = pageSize(args.first, opts.maxPage);
  const where = gameWhere(db, args.filter, timeZone);
  const after = afterCursor(order, args.after);
  const [rows, [total]] = await Promise.all([
    db
      .select({ game: games, key: cursorKey(order) })
      .from(games)
      .where(and(where, after))
      .orderBy(...orderByKeyset(order))
      .limit(size + 1),
    opts.count === false ? [{ n: -1 }] : db.select({ n: count() }).from(games).where(where),
  ]);
  return toPage(order, rows, size, total?.n ?? 0, args.after, (r) => ({ node: r.game, id: r.game.id, key: r.key }));
}

/** Every matching game, batch by batch along the keyset: memory stays bounded however many there are. */
export async function* iterateGames(
  db: Db,
  args: Omit<GamesArgs, 'first' | 'after'>,
  timeZone: string,
  batch = 500,
): AsyncGenerator<Game[]> {
  let after: string | null = null;
  for (;;) {
    const page: Page<Game> = await gamesPage(db, { ...args, first: batch, after }, timeZone, {
      maxPage: batch,
      count: false,
    });
    if (page.edges.length) yield page.edges.map((e) => e.node);
    if (!page.pageInfo.hasNextPage) return;
    after = page.pageInfo.endCursor;
  }
}
