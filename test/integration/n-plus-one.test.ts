import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

let recording: string[] | null = null;
// A new pooled connection first reads Postgres's type catalogue: connection set-up, not a query of ours.
const isSetup = (sql: string) => /pg_catalog\.pg_type/.test(sql);
const server = await useTestServer({
  worker: false,
  onQuery: (sql) => {
    if (!isSetup(sql)) recording?.push(sql);
  },
});
const f = fixtures(server.app.context.database.db);

async function countQueries(query: string, variables: Record<string, unknown>) {
  recording = [];
  const r = await server.gql(query, variables);
  const statements = recording;
  recording = null;
  expect(r.errors).toBeUndefined();
  return { data: r.data, statements };
}

beforeAll(async () => {
  const shows = [await f.show(), await f.show()];
  const teams = [await f.team(), await f.team(), await f.team()];
  for (let i = 0; i < 120; i++) {
    const p = await f.player({ teamId: teams[i % 3]!.id });
    const g = await f.game({
      playerId: p.id,
      showId: shows[i % 2]!.id,
      state: i % 4 === 0 ? 'QUEUED' : 'COMPLETED',
      queuedAt: new Date(),
      score: i,
    });
    await f.event(g, { toState: g.state });
  }
});

const GAMES = `query($first: Int) { games(first: $first, orderBy: SCORE_DESC) { totalCount edges { node {
  id queuePosition history { from to actor }
  show { name }
  player { firstName team { name memberCount scores { day score } } activeGame { id } games { id } }
} } } }`;

const PLAYERS = `query($first: Int) { players(first: $first) { edges { node {
  firstName team { name } activeGame { id show { name } queuePosition } games { id }
} } } }`;

describe('no N+1 queries', () => {
  it('reads a page of 100 games with players, teams, shows and history in a bounded number of queries', async () => {
    const small = await countQueries(GAMES, { first: 10 });
    const big = await countQueries(GAMES, { first: 100 });
    expect(big.data.games.edges).toHaveLength(100);
    expect(
      big.data.games.edges.every((e: { node: { player: { team: { name: string } } } }) => e.node.player.team.name),
    ).toBe(true);
    // page + count, then one batch per kind: player, show, team, memberCount, scores, activeGame, games, history, queuePosition.
    expect(big.statements.length, big.statements.join('\n')).toBeLessThanOrEqual(11);
    expect(big.statements.length).toBe(small.statements.length);
  });

  it('reads a page of 100 players with their games in a bounded number of queries', async () => {
    const small = await countQueries(PLAYERS, { first: 5 });
    const big = await countQueries(PLAYERS, { first: 100 });
    expect(big.data.players.edges).toHaveLength(100);
    expect(big.statements.length, big.statements.join('\n')).toBeLessThanOrEqual(8);
    expect(big.statements.length).toBe(small.statements.length);
  });

  it('counts every statement (the hook is not blind)', async () => {
    const one = await countQueries(`{ shows { id } }`, {});
    expect(one.statements).toHaveLength(1);
    expect(one.statements[0]).toMatch(/from "shows"/);
  });
});
