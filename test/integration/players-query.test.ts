import { beforeAll, describe, expect, it } from 'vitest';
import type { Player } from '../../src/db/schema.js';
import { at, fixtures } from '../helpers/fixtures.js';
import { useTestServer, type GqlResult } from '../helpers/server.js';

const server = await useTestServer({ worker: false, env: { TZ: 'America/Los_Angeles' } });
const db = server.app.context.database.db;
const f = fixtures(db);

const PLAYERS = `query($filter: PlayerFilter, $orderBy: PlayerOrder, $first: Int, $after: String) {
  players(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id firstName } }
  }
}`;

async function walk(vars: Record<string, unknown>, first = 2): Promise<string[]> {
  const names: string[] = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r: GqlResult = await server.gql(PLAYERS, { ...vars, first, after });
    expect(r.errors).toBeUndefined();
    const c = r.data.players;
    names.push(...c.edges.map((e: { node: { firstName: string } }) => e.node.firstName));
    if (!c.pageInfo.hasNextPage) return names;
    after = c.pageInfo.endCursor;
  }
  throw new Error('did not end');
}

const P: Record<string, Player> = {};

beforeAll(async () => {
  const show = await f.show();
  const red = await f.team({ name: 'Red Sox' });
  const blue = await f.team({ name: 'Blue Jays' });
  // Players created in the order A..E; each one's games say what their active (latest) game is.
  P.A = await f.player({
    firstName: 'A',
    teamId: red.id,
    handedness: 'LEFT',
    signedWaiver: true,
    mobileNumber: '+14155550101',
    email: 'a@example.com',
    createdAt: at('2024-07-01T10:00:00Z'),
  });
  P.B = await f.player({ firstName: 'B', teamId: blue.id, isFinalist: true, createdAt: at('2024-07-01T11:00:00Z') });
  P.C = await f.player({
    firstName: 'C',
    teamId: red.id,
    signedWaiver: true,
    isFinalist: true,
    createdAt: at('2024-07-01T12:00:00Z'),
  });
  P.D = await f.player({ firstName: 'D', handedness: 'LEFT', createdAt: at('2024-07-01T13:00:00Z') });
  P.E = await f.player({ firstName: 'E', createdAt: at('2024-07-01T14:00:00Z') }); // no game at all
  const g = (p: Player, v: Partial<Parameters<typeof f.game>[0]>) => f.game({ playerId: p.id, showId: show.id, ...v });
  // A: best 90 (an older game), active game QUEUED created 2024-07-02 06:30Z = July 1 in Los Angeles.
  await g(P.A, {
    state: 'COMPLETED',
    score: 90,
    createdAt: at('2024-07-01T10:05:00Z'),
    updatedAt: at('2024-07-01T10:30:00Z'),
  });
  await g(P.A, { state: 'QUEUED', createdAt: at('2024-07-02T06:30:00Z'), updatedAt: at('2024-07-02T06:40:00Z') });
  // B: best 120, active COMPLETED, created 07:30Z = July 2 locally.
  await g(P.B, {
    state: 'COMPLETED',
    score: 120,
    createdAt: at('2024-07-02T07:30:00Z'),
    updatedAt: at('2024-07-02T08:00:00Z'),
  });
  // C: a CANCELLED game with a high score does not count; active NEW.
  await g(P.C, {
    state: 'CANCELLED',
    score: 500,
    createdAt: at('2024-07-01T12:05:00Z'),
    updatedAt: at('2024-07-03T09:00:00Z'),
  });
  await g(P.C, { state: 'NEW', createdAt: at('2024-07-01T09:00:00Z'), updatedAt: at('2024-07-01T09:00:00Z') });
  // D: best 90 (ties with A; id breaks it), active COMPLETED.
  await g(P.D, {
    state: 'COMPLETED',
    score: 90,
    createdAt: at('2024-07-02T20:00:00Z'),
    updatedAt: at('2024-07-02T21:00:00Z'),
  });
});

describe('players ordering', () => {
  it.each([
    ['default (newest first)', undefined, ['E', 'D', 'C', 'B', 'A']],
    ['CREATED_ASC', 'CREATED_ASC', ['A', 'B', 'C', 'D', 'E']],
    ['CREATED_DESC', 'CREATED_DESC', ['E', 'D', 'C', 'B', 'A']],
    // Best COMPLETED score; ties by id (desc); without a completed game last.
    ['SCORE_DESC', 'SCORE_DESC', ['B', 'D', 'A', 'E', 'C']],
    // Active game's creation: C 07-01 09:00, A 07-02 06:30, B 07-02 07:30, D 07-02 20:00; E (no game) by its own creation 07-01 14:00.
    ['GAME_CREATED_ASC', 'GAME_CREATED_ASC', ['C', 'E', 'A', 'B', 'D']],
    ['GAME_UPDATED_ASC', 'GAME_UPDATED_ASC', ['C', 'E', 'A', 'B', 'D']],
    ['GAME_UPDATED_DESC', 'GAME_UPDATED_DESC', ['D', 'B', 'A', 'E', 'C']],
  ])('orders by %s across pages', async (_name, orderBy, want) => {
    expect(await walk(orderBy ? { orderBy } : {}, 2)).toEqual(want);
    expect(await walk(orderBy ? { orderBy } : {}, 4)).toEqual(want);
  });
});

describe('players filters', () => {
  it.each([
    ['state of the active game', { state: 'COMPLETED' }, ['B', 'D']],
    ['state QUEUED (A has an older COMPLETED game too)', { state: 'QUEUED' }, ['A']],
    ['team, case-insensitive', { team: 'RED SOX' }, ['A', 'C']],
    ['handedness', { handedness: 'LEFT' }, ['A', 'D']],
    ['signedWaiver true', { signedWaiver: true }, ['A', 'C']],
    ['signedWaiver false', { signedWaiver: false }, ['B', 'D', 'E']],
    ['isFinalist', { isFinalist: true }, ['B', 'C']],
    // Local days in Los Angeles: A's active game (06:30Z on July 2) was created on July 1.
    ['gameCreatedOn', { gameCreatedOn: '2024-07-01' }, ['A', 'C']],
    ['gameCreatedOn next day', { gameCreatedOn: '2024-07-02' }, ['B', 'D']],
    ['gameUpdatedOn', { gameUpdatedOn: '2024-07-02' }, ['B', 'D']],
    ['combined', { team: 'Red Sox', signedWaiver: true, state: 'NEW' }, ['C']],
  ])('filters by %s', async (_name, filter, want) => {
    expect(await walk({ filter, orderBy: 'CREATED_ASC' }, 1)).toEqual(want);
    const r = await server.gql(PLAYERS, { filter, first: 1 });
    expect(r.data.players.totalCount).toBe(want.length);
  });
});

describe('players arguments', () => {
  it('refuses bad first and malformed cursors with BAD_USER_INPUT', async () => {
    for (const vars of [{ first: 0 }, { first: 101 }, { after: 'zzz' }]) {
      const r = await server.gql(PLAYERS, vars);
      expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const p1 = await server.gql(PLAYERS, { first: 1, orderBy: 'SCORE_DESC' });
    const wrongOrder = await server.gql(PLAYERS, {
      first: 1,
      orderBy: 'CREATED_ASC',
      after: p1.data.players.pageInfo.endCursor,
    });
    expect(wrongOrder.errors?.[0]?.extensions?.fields).toHaveProperty('after');
  });
});

describe('player(id) and its fields', () => {
  const ONE = `query($id: ID!) { player(id: $id) { firstName mobileNumber email team { name } activeGame { state } games { state score } } }`;

  it('hides mobileNumber and email from anonymous callers', async () => {
    const r = await server.gql(ONE, { id: String(P.A!.id) });
    expect(r.errors).toBeUndefined();
    expect(r.data.player).toEqual({
      firstName: 'A',
      mobileNumber: null,
      email: null,
      team: { name: 'Red Sox' },
      activeGame: { state: 'QUEUED' },
      games: [
        { state: 'COMPLETED', score: 90 },
        { state: 'QUEUED', score: 0 },
      ],
    });
    const list = await server.gql(
      `{ players(filter: { handedness: LEFT }) { edges { node { mobileNumber email } } } }`,
    );
    expect(
      list.data.players.edges.every(
        (e: { node: { mobileNumber: unknown; email: unknown } }) =>
          e.node.mobileNumber === null && e.node.email === null,
      ),
    ).toBe(true);
  });

  it.each(['TABLET', 'VR_GAME', 'STAFF', 'ADMIN'] as const)('shows them to a signed-in %s account', async (role) => {
    const r = await server.gql(ONE, { id: String(P.A!.id) }, await server.token(role));
    expect(r.data.player).toMatchObject({ mobileNumber: '+14155550101', email: 'a@example.com' });
  });

  it('answers null for an unknown player and no team/active game when there is none', async () => {
    expect((await server.gql(ONE, { id: '999999' })).data.player).toBeNull();
    expect((await server.gql(ONE, { id: String(P.E!.id) })).data.player).toMatchObject({
      team: null,
      activeGame: null,
      games: [],
    });
  });
});
