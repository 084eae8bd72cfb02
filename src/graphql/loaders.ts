// Per-operation batching: a page of games with players and teams costs one query per kind.
import DataLoader from 'dataloader';
import { asc, desc } from 'drizzle-orm';
import { inIds, type Db } from '../db/client.js';
import {
  gameEvents,
  games,
  players,
  shows,
  teams,
  type Game,
  type GameEvent,
  type Message,
  type Player,
  type Show,
  type Team,
} from '../db/schema.js';
import { messagesOfGames } from '../services/message.service.js';
import { queuePositions } from '../services/queue.service.js';
import { memberCounts } from '../services/team-query.service.js';
import { teamScores, type TeamDayScore } from '../services/team-score.service.js';

function byId<T extends { id: number }>(load: (ids: number[]) => Promise<T[]>) {
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = await load([...ids]);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

/** Rows grouped by a key, in the order the query returned them; keys without rows get []. */
function grouped<T>(load: (keys: number[]) => Promise<T[]>, keyOf: (row: T) => number) {
  return new DataLoader<number, T[]>(async (keys) => {
    const map = new Map<number, T[]>(keys.map((k) => [k, []]));
    for (const row of await load([...keys])) map.get(keyOf(row))?.push(row);
    return keys.map((k) => map.get(k)!);
  });
}

function fromMap<V>(load: (keys: number[]) => Promise<Map<number, V>>, missing: V) {
  return new DataLoader<number, V>(async (keys) => {
    const map = await load([...keys]);
    return keys.map((k) => map.get(k) ?? missing);
  });
}

export function createLoaders(db: () => Db) {
  return {
    show: byId<Show>((ids) => db().select().from(shows).where(inIds(shows.id, ids))),
    team: byId<Team>((ids) => db().select().from(teams).where(inIds(teams.id, ids))),
    player: byId<Player>((ids) => db().select().from(players).where(inIds(players.id, ids))),
    game: byId<Game>((ids) => db().select().from(games).where(inIds(games.id, ids))),
    /** A player's active game: their latest (highest id). */
    activeGame: new DataLoader<number, Game | null>(async (playerIds) => {
      const rows = await db()
        .selectDistinctOn([games.playerId])
        .from(games)
        .where(inIds(games.playerId, playerIds))
        .orderBy(games.playerId, desc(games.id));
      const map = new Map(rows.map((g) => [g.playerId, g]));
      return playerIds.map((id) => map.get(id) ?? null);
    }),
    /** Every game of a player, oldest first. */
    gamesByPlayer: grouped<Game>(
      (ids) => db().select().from(games).where(inIds(games.playerId, ids)).orderBy(asc(games.id)),
      (g) => g.playerId,
    ),
    /** Transitions of a game, in the order they happened. */
    history: grouped<GameEvent>(
      (ids) => db().select().from(gameEvents).where(inIds(gameEvents.gameId, ids)).orderBy(asc(gameEvents.id)),
      (e) => e.gameId,
    ),
    /** 1-based place among the QUEUED games of the game's show; null when not QUEUED. */
    queuePosition: fromMap<number | null>((ids) => queuePositions(db(), ids), null),
    /** SMS messages of a game, oldest first (STAFF and ADMIN only, checked by the field). */
    messages: new DataLoader<number, Message[]>((ids) => messagesOfGames(db(), ids)),
    memberCount: fromMap<number>((ids) => memberCounts(db(), ids), 0),
    /** Keyed by team and time zone; the time zone is the server's, so one batch holds one zone. */
    teamScores: new DataLoader<{ teamId: number; timeZone: string }, TeamDayScore[], string>(
      async (keys) => {
        const byZone = new Map<string, number[]>();
        for (const k of keys) byZone.set(k.timeZone, [...(byZone.get(k.timeZone) ?? []), k.teamId]);
        const results = new Map<string, Map<number, TeamDayScore[]>>();
        for (const [zone, ids] of byZone) results.set(zone, await teamScores(db(), ids, zone));
        return keys.map((k) => results.get(k.timeZone)?.get(k.teamId) ?? []);
      },
      { cacheKeyFn: (k) => `${k.timeZone}|${k.teamId}` },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
