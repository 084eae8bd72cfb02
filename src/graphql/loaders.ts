// Per-operation batching: a page of games with players and teams costs one query per kind.
import DataLoader from 'dataloader';
import { inArray } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { games, players, shows, teams, type Game, type Player, type Show, type Team } from '../db/schema.js';

function byId<T extends { id: number }>(load: (ids: number[]) => Promise<T[]>) {
  return new DataLoader<number, T | null>(async (ids) => {
    const rows = await load([...ids]);
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  });
}

export function createLoaders(db: () => Db) {
  return {
    show: byId<Show>((ids) => db().select().from(shows).where(inArray(shows.id, ids))),
    team: byId<Team>((ids) => db().select().from(teams).where(inArray(teams.id, ids))),
    player: byId<Player>((ids) => db().select().from(players).where(inArray(players.id, ids))),
    game: byId<Game>((ids) => db().select().from(games).where(inArray(games.id, ids))),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
