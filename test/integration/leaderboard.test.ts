import { beforeAll, describe, expect, it } from 'vitest';
import type { Player, Show } from '../../src/db/schema.js';
import { at, fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

const server = await useTestServer({ worker: false, env: { TZ: 'America/Los_Angeles' } });
const f = fixtures(server.app.context.database.db);
const LB = `query($showId: ID, $date: Date, $limit: Int) {
  leaderboard(showId: $showId, date: $date, limit: $limit) { rank score distance homeruns player { firstName mobileNumber } }
}`;

let s1: Show;
let s2: Show;
const P: Record<string, Player> = {};

beforeAll(async () => {
  s1 = await f.show({ date: '2024-07-01' });
  s2 = await f.show({ date: '2024-07-02' });
  for (const name of ['Ann', 'Bob', 'Cat', 'Dan', 'Eve', 'Fay'])
    P[name] = await f.player({ firstName: name, mobileNumber: '+14155550100' });
  const done = (
    p: Player,
    show: Show,
    score: number,
    homeruns: number,
    distance: number,
    createdAt = '2024-07-01T20:00:00Z',
  ) =>
    f.game({
      playerId: p.id,
      showId: show.id,
      state: 'COMPLETED',
      score,
      homeruns,
      distance,
      createdAt: at(createdAt),
    });
  await done(P.Ann!, s1, 100, 5, 900);
  await done(P.Ann!, s2, 60, 1, 100, '2024-07-02T20:00:00Z'); // Ann's weaker second game
  await done(P.Bob!, s1, 100, 5, 900); // exact tie with Ann
  await done(P.Cat!, s1, 100, 4, 2000); // same score, fewer home runs: below the tie
  await done(P.Dan!, s2, 120, 0, 10, '2024-07-02T20:00:00Z');
  await done(P.Eve!, s2, 100, 5, 950, '2024-07-02T06:30:00Z'); // 23:30 on July 1 in Los Angeles
  // Never on the board: not COMPLETED.
  await f.game({ playerId: P.Fay!.id, showId: s1.id, state: 'CANCELLED', score: 999 });
  await f.game({ playerId: P.Fay!.id, showId: s1.id, state: 'PLAYING', score: 500 });
});

const board = async (vars: Record<string, unknown>) => {
  const r = await server.gql(LB, vars);
  expect(r.errors).toBeUndefined();
  return r.data.leaderboard.map((e: { rank: number; score: number; player: { firstName: string } }) => [
    e.rank,
    e.player.firstName,
    e.score,
  ]);
};

describe('leaderboard', () => {
  it('ranks each player once by their best COMPLETED game: score, then home runs, then distance; ties share a rank', async () => {
    expect(await board({})).toEqual([
      [1, 'Dan', 120],
      [2, 'Eve', 100], // 5 home runs, 950 ft beats 900 ft
      [3, 'Ann', 100], // Ann and Bob tie exactly: same rank, the next rank skips (standard competition ranking)
      [3, 'Bob', 100],
      [5, 'Cat', 100],
    ]);
  });

  it('returns the numbers of the best game and hides contact details from anonymous callers', async () => {
    const r = await server.gql(LB, { limit: 1 });
    expect(r.data.leaderboard).toEqual([
      { rank: 1, score: 120, distance: 10, homeruns: 0, player: { firstName: 'Dan', mobileNumber: null } },
    ]);
  });

  it('narrows to one show', async () => {
    expect(await board({ showId: String(s2.id) })).toEqual([
      [1, 'Dan', 120],
      [2, 'Eve', 100],
      [3, 'Ann', 60],
    ]);
    expect(await board({ showId: String(s1.id) })).toEqual([
      [1, 'Ann', 100],
      [1, 'Bob', 100],
      [3, 'Cat', 100],
    ]);
  });

  it('narrows to one local day of game creation, and to a show and a day together', async () => {
    expect(await board({ date: '2024-07-01' })).toEqual([
      [1, 'Eve', 100],
      [2, 'Ann', 100],
      [2, 'Bob', 100],
      [4, 'Cat', 100],
    ]);
    expect(await board({ date: '2024-07-02' })).toEqual([
      [1, 'Dan', 120],
      [2, 'Ann', 60],
    ]);
    expect(await board({ date: '2024-07-01', showId: String(s2.id) })).toEqual([[1, 'Eve', 100]]);
    expect(await board({ date: '2023-01-01' })).toEqual([]);
  });

  it('limits to 10 by default and to the given limit', async () => {
    for (let i = 0; i < 12; i++) {
      const p = await f.player({ firstName: `Extra${i}` });
      await f.game({
        playerId: p.id,
        showId: s1.id,
        state: 'COMPLETED',
        score: i,
        createdAt: at('2024-06-01T12:00:00Z'),
      });
    }
    expect(await board({})).toHaveLength(10);
    expect(await board({ limit: 3 })).toHaveLength(3);
    expect(await board({ limit: 100 })).toHaveLength(17);
  });

  it.each([0, -1, 101])('refuses limit %s with BAD_USER_INPUT', async (limit) => {
    const r = await server.gql(LB, { limit });
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.extensions?.fields).toHaveProperty('limit');
  });
});
