import { beforeAll, describe, expect, it } from 'vitest';
import type { Team } from '../../src/db/schema.js';
import { at, fixtures } from '../helpers/fixtures.js';
import { startTestServer, useTestServer } from '../helpers/server.js';

// Los Angeles is UTC−7 in July: 06:30Z on July 2 is 23:30 on July 1 there, 07:30Z is 00:30 on July 2.
const server = await useTestServer({ worker: false, env: { TZ: 'America/Los_Angeles' } });
const f = fixtures(server.app.context.database.db);
let red: Team;
let blue: Team;
let empty: Team;

beforeAll(async () => {
  const show = await f.show();
  red = await f.team({ name: 'Red Sox', color: '#BD3039' });
  blue = await f.team({ name: 'Blue Jays', color: '#134A8E' });
  empty = await f.team({ name: 'Athletics', color: '#003831' });
  const r1 = await f.player({ teamId: red.id });
  const r2 = await f.player({ teamId: red.id });
  const b1 = await f.player({ teamId: blue.id });
  await f.player(); // no team: counts nowhere
  const done = (playerId: number, createdAt: string, score: number, distance: number, homeruns: number) =>
    f.game({ playerId, showId: show.id, state: 'COMPLETED', score, distance, homeruns, createdAt: at(createdAt) });
  await done(r1.id, '2024-07-02T06:30:00Z', 10, 300, 1); // July 1 local
  await done(r2.id, '2024-07-02T07:30:00Z', 20, 400, 2); // July 2 local
  await done(r1.id, '2024-07-02T20:00:00Z', 5, 100, 0); // July 2 local
  await done(r2.id, '2024-06-30T18:00:00Z', 7, 70, 1); // June 30 local
  await done(b1.id, '2024-07-02T06:59:59Z', 3, 33, 3); // July 1 local
  // Not COMPLETED: never counted, whatever their numbers.
  await f.game({
    playerId: r1.id,
    showId: show.id,
    state: 'CANCELLED',
    score: 99,
    createdAt: at('2024-07-02T12:00:00Z'),
  });
  await f.game({ playerId: r1.id, showId: show.id, state: 'PLAYING', createdAt: at('2024-07-02T12:00:00Z') });
});

const TEAMS = `{ teams { name color memberCount scores { day score distance homeruns games } } }`;

describe('Team.scores', () => {
  it('sums COMPLETED games per local day of creation, oldest day first, across the UTC day boundary', async () => {
    const r = await server.gql(TEAMS);
    expect(r.errors).toBeUndefined();
    const byName = Object.fromEntries(r.data.teams.map((t: { name: string }) => [t.name, t]));
    expect(byName['Red Sox'].scores).toEqual([
      { day: '2024-06-30', score: 7, distance: 70, homeruns: 1, games: 1 },
      { day: '2024-07-01', score: 10, distance: 300, homeruns: 1, games: 1 },
      { day: '2024-07-02', score: 25, distance: 500, homeruns: 2, games: 2 },
    ]);
    expect(byName['Blue Jays'].scores).toEqual([{ day: '2024-07-01', score: 3, distance: 33, homeruns: 3, games: 1 }]);
    expect(byName.Athletics.scores).toEqual([]);
  });

  it('counts members per team and lists teams by name', async () => {
    const r = await server.gql(TEAMS);
    expect(r.data.teams.map((t: { name: string; memberCount: number }) => [t.name, t.memberCount])).toEqual([
      ['Athletics', 0],
      ['Blue Jays', 1],
      ['Red Sox', 2],
    ]);
  });

  it('answers team(id) with the same fields, and null for an unknown id', async () => {
    const q = `query($id: ID!) { team(id: $id) { name color memberCount scores { day games } } }`;
    const r = await server.gql(q, { id: String(red.id) });
    expect(r.data.team).toEqual({
      name: 'Red Sox',
      color: '#BD3039',
      memberCount: 2,
      scores: [
        { day: '2024-06-30', games: 1 },
        { day: '2024-07-01', games: 1 },
        { day: '2024-07-02', games: 2 },
      ],
    });
    expect((await server.gql(q, { id: String(empty.id + 1000) })).data.team).toBeNull();
    expect((await server.gql(q, { id: String(blue.id) })).data.team.memberCount).toBe(1);
  });
});

describe('Team.scores in UTC', () => {
  it('puts both boundary games on the same day when the server runs in UTC', async () => {
    const utc = await startTestServer({ worker: false, database: server.db, env: { TZ: 'UTC' } });
    try {
      const r = await utc.gql(`query($id: ID!) { team(id: $id) { scores { day score games } } }`, {
        id: String(red.id),
      });
      expect(r.data.team.scores).toEqual([
        { day: '2024-06-30', score: 7, games: 1 },
        { day: '2024-07-02', score: 35, games: 3 },
      ]);
    } finally {
      await utc.stop();
    }
  });
});
