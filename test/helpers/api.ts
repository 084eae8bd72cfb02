// Shared set-up for game lifecycle tests: shows, teams, players and games driven through the API.
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { gameEvents, games, players, shows, teams, type Game } from '../../src/db/schema.js';
import type { TestServer } from './server.js';
import { type GameState } from '../../src/domain/game-states.js';

export const GAME_FIELDS =
  'id state score distance homeruns createdAt updatedAt queuedAt recalledAt recallCount confirmedAt playingAt completedAt cancelledAt';

export const MUTATION: Record<string, string> = {
  queue: `mutation($id: ID!) { queueGame(id: $id) { ${GAME_FIELDS} } }`,
  recall: `mutation($id: ID!) { recallGame(id: $id) { ${GAME_FIELDS} } }`,
  confirm: `mutation($id: ID!) { confirmGame(id: $id) { ${GAME_FIELDS} } }`,
  play: `mutation($id: ID!) { playGame(id: $id) { ${GAME_FIELDS} } }`,
  complete: `mutation($id: ID!) { completeGame(id: $id, result: { score: 1200, distance: 410, homeruns: 3 }) { ${GAME_FIELDS} } }`,
  cancel: `mutation($id: ID!) { cancelGame(id: $id) { ${GAME_FIELDS} } }`,
};
export const MUTATION_NAME: Record<string, string> = {
  queue: 'queueGame',
  recall: 'recallGame',
  confirm: 'confirmGame',
  play: 'playGame',
  complete: 'completeGame',
  cancel: 'cancelGame',
};

/** The mutations that bring a NEW game to each state. */
export const PATH_TO: Record<GameState, string[]> = {
  NEW: [],
  QUEUED: ['queue'],
  RECALLED: ['queue', 'recall'],
  CONFIRMED: ['confirm'],
  PLAYING: ['confirm', 'play'],
  COMPLETED: ['confirm', 'play', 'complete'],
  CANCELLED: ['cancel'],
};

export const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id firstName lastName handedness signedWaiver isFinalist profileId createdAt } }`;

/** A controllable clock for useTestServer({ now }); it starts at the real time because login signs tokens with it. */
export function testClock(start: Date = new Date()) {
  let t = start.getTime();
  return {
    now: () => new Date(t),
    advance(ms: number) {
      t += ms;
    },
    set(iso: string | Date) {
      t = new Date(iso).getTime();
    },
  };
}

export async function seedShow(server: TestServer, overrides: Partial<typeof shows.$inferInsert> = {}) {
  const [show] = await server.app.context.database.db
    .insert(shows)
    .values({
      name: 'Derby',
      date: '2025-07-14',
      welcomeMessage: 'Welcome {firstName}!',
      recallMessage: 'Hi {firstName}, come back now!',
      souvenirMessage: 'Your souvenir: {url}',
      ...overrides,
    })
    .returning();
  return show!;
}

export async function seedTeams(server: TestServer, names: string[]) {
  return server.app.context.database.db
    .insert(teams)
    .values(names.map((name, i) => ({ name, color: `#00000${i}` })))
    .returning();
}

/** Signs a player up through the API and returns the player and their first game's id. */
export async function signUpPlayer(server: TestServer, input: Record<string, unknown> = {}, token?: string) {
  const r = await server.gql(
    SIGN_UP,
    { input: { firstName: 'Ada', handedness: 'RIGHT', ...input } },
    token ?? (await server.token('TABLET')),
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  const playerId = Number(r.data.signUp.id);
  const [game] = await server.app.context.database.db.select().from(games).where(eq(games.playerId, playerId));
  return { playerId, gameId: game!.id, player: r.data.signUp };
}

export async function act(server: TestServer, action: string, gameId: number, token?: string) {
  return server.gql(MUTATION[action]!, { id: String(gameId) }, token ?? (await server.token('ADMIN')));
}

/** Runs the mutations that take a NEW game to `state`, failing loudly on any error. */
export async function driveTo(server: TestServer, gameId: number, state: GameState, between?: () => void) {
  for (const action of PATH_TO[state]) {
    between?.();
    const r = await act(server, action, gameId);
    expect(r.errors, `${action}: ${JSON.stringify(r.errors)}`).toBeUndefined();
  }
}

export async function gameRow(server: TestServer, id: number): Promise<Game> {
  const [row] = await server.app.context.database.db.select().from(games).where(eq(games.id, id));
  return row!;
}

export async function eventsOf(server: TestServer, gameId: number) {
  return server.app.context.database.db
    .select()
    .from(gameEvents)
    .where(eq(gameEvents.gameId, gameId))
    .orderBy(asc(gameEvents.id));
}

export async function playerRow(server: TestServer, id: number) {
  const [row] = await server.app.context.database.db.select().from(players).where(eq(players.id, id));
  return row!;
}

/** Jobs of one queue in pg-boss's own table. */
export async function jobs(server: TestServer, name: string): Promise<Array<{ data: any; state: string }>> {
  const rows = await server.app.context.database
    .primarySql`select data, state from pgboss.job where name = ${name} order by created_on`;
  return rows as unknown as Array<{ data: any; state: string }>;
}
