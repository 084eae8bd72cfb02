// Rows inserted directly, so a test can set any state and timestamp it needs (through the API, see
// api.ts). One family for every test: fixtures(db).show(), .team(), .player(), .game(), .event(), …
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import {
  gameEvents,
  games,
  messages,
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
    /** A game that went through the whole lifecycle just now, with a result. */
    async completedGame(
      playerId: number,
      showId: number,
      result: { score?: number; distance?: number; homeruns?: number } = {},
    ): Promise<Game> {
      const now = new Date();
      const [row] = await db
        .insert(games)
        .values({
          playerId,
          showId,
          state: 'COMPLETED',
          score: result.score ?? 1234,
          distance: result.distance ?? 412,
          homeruns: result.homeruns ?? 7,
          queuedAt: now,
          confirmedAt: now,
          playingAt: now,
          completedAt: now,
        })
        .returning();
      return row!;
    },
    /** The souvenir texts of a game, oldest first. */
    souvenirTexts(gameId: number) {
      return db
        .select()
        .from(messages)
        .where(and(eq(messages.gameId, gameId), eq(messages.kind, 'souvenir')))
        .orderBy(messages.id);
    },
    async gameRow(id: number): Promise<Game> {
      const [row] = await db.select().from(games).where(eq(games.id, id));
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

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
