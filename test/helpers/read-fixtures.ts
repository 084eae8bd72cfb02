// Rows inserted directly, so read-side tests can set any state and timestamp they need.
import type { Db } from '../../src/db/client.js';
import {
  gameEvents,
  games,
  players,
  shows,
  teams,
  type Game,
  type Player,
  type Show,
  type Team,
} from '../../src/db/schema.js';

let seq = 0;

export function fixtures(db: Db) {
  return {
    async show(values: Partial<typeof shows.$inferInsert> = {}): Promise<Show> {
      const [row] = await db
        .insert(shows)
        .values({
          name: `Show ${++seq}`,
          date: '2024-07-01',
          welcomeMessage: 'hi',
          recallMessage: 'come back',
          souvenirMessage: 'see {url}',
          ...values,
        })
        .returning();
      return row!;
    },
    async team(values: Partial<typeof teams.$inferInsert> = {}): Promise<Team> {
      const [row] = await db
        .insert(teams)
        .values({ name: `Team ${++seq}-${Math.random().toString(36).slice(2, 7)}`, color: '#112233', ...values })
        .returning();
      return row!;
    },
    async player(values: Partial<typeof players.$inferInsert> = {}): Promise<Player> {
      const [row] = await db
        .insert(players)
        .values({ firstName: `P${++seq}`, handedness: 'RIGHT', ...values })
        .returning();
      return row!;
    },
    async game(values: Partial<typeof games.$inferInsert> & { playerId: number; showId: number }): Promise<Game> {
      const [row] = await db.insert(games).values(values).returning();
      return row!;
    },
    async event(game: Game, values: Partial<typeof gameEvents.$inferInsert> = {}) {
      const [row] = await db
        .insert(gameEvents)
        .values({ gameId: game.id, showId: game.showId, toState: game.state, ...values })
        .returning();
      return row!;
    },
  };
}

export const at = (iso: string) => new Date(iso);
