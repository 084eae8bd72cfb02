// Rows written straight into a test database: a show, teams, players and completed games.
import { eq } from 'drizzle-orm';
import type { Db } from '../../src/db/client.js';
import { games, players, shows, teams, type Game, type Player, type Show, type Team } from '../../src/db/schema.js';

export async function insertShow(db: Db, over: Partial<typeof shows.$inferInsert> = {}): Promise<Show> {
  const [show] = await db
    .insert(shows)
    .values({
      name: 'Test Show',
      date: '2025-07-04',
      welcomeMessage: 'Welcome {firstName}!',
      recallMessage: 'Come back {firstName}',
      souvenirMessage: 'Your souvenir, {firstName}: {url}',
      ...over,
    })
    .returning();
  return show!;
}

let teamSeq = 0;
export async function insertTeam(db: Db, color = '#0a2240', name?: string): Promise<Team> {
  const [team] = await db
    .insert(teams)
    .values({ name: name ?? `Team ${process.pid}-${++teamSeq}`, color })
    .returning();
  return team!;
}

export async function insertPlayer(db: Db, over: Partial<typeof players.$inferInsert> = {}): Promise<Player> {
  const [player] = await db
    .insert(players)
    .values({ firstName: 'Casey', lastName: 'Jones', handedness: 'RIGHT', mobileNumber: '+15551230001', ...over })
    .returning();
  return player!;
}

export async function insertCompletedGame(
  db: Db,
  playerId: number,
  showId: number,
  result: { score?: number; distance?: number; homeruns?: number } = {},
): Promise<Game> {
  const now = new Date();
  const [game] = await db
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
  return game!;
}

export async function gameRow(db: Db, id: number): Promise<Game> {
  const [game] = await db.select().from(games).where(eq(games.id, id));
  return game!;
}

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
