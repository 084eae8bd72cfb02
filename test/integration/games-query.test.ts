import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { games as gamesTable, type Game } from '../../src/db/schema.js';
import { encodeCursor } from '../../src/domain/cursor.js';
import { at, fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

// New York: a game created at 03:30Z on July 2 was created on July 1 locally.
const server = await useTestServer({ worker: false, env: { TZ: 'America/New_York' } });
const db = server.app.context.database.db;
const f = fixtures(db);

const GAMES = `query($filter: GameFilter, $orderBy: GameOrder, $first: Int, $after: String) {
  games(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor hasPreviousPage startCursor } edges { cursor node { id state score } }
  }
}`;

async function page(vars: Record<string, unknown>) {
  const r = await server.gql(GAMES, vars);
  expect(r.errors).toBeUndefined();
  return r.data.games as {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
    edges: Array<{ cursor: string; node: { id: string; state: string; score: number } }>;
  };
}

/** Walks every page and returns the ids in order. */
async function walk(vars: Record<string, unknown>, first = 2): Promise<number[]> {
  const ids: number[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const p = await page({ ...vars, first, after });
    ids.push(...p.edges.map((e) => Number(e.node.id)));
    if (!p.pageInfo.hasNextPage) {
      expect(p.edges.length).toBeLessThanOrEqual(first);
      return ids;
    }
    expect(p.edges).toHaveLength(first);
    after = p.pageInfo.endCursor;
  }
  throw new Error('did not end');
}

async function errorOf(vars: Record<string, unknown>) {
  const r = await server.gql(GAMES, vars);
  expect(r.data?.games ?? null).toBeNull();
  return r.errors?.[0];
}

let all: Game[] = [];
let showA: number;
let showB: number;
let redPlayer: number;

beforeAll(async () => {
  const a = await f.show({ name: 'A' });
  const b = await f.show({ name: 'B' });
  showA = a.id;
  showB = b.id;
  const red = await f.team({ name: 'Red Sox' });
  const blue = await f.team({ name: 'Blue Jays' });
  const pr = await f.player({ teamId: red.id });
  redPlayer = pr.id;
  const pb = await f.player({ teamId: blue.id });
  const pn = await f.player();
  const rows: Array<Parameters<typeof f.game>[0]> = [
    {
      playerId: pr.id,
      showId: a.id,
      state: 'COMPLETED',
      score: 50,
      createdAt: at('2024-07-01T15:00:00Z'),
      updatedAt: at('2024-07-01T16:00:00Z'),
    },
    {
      playerId: pb.id,
      showId: a.id,
      state: 'COMPLETED',
      score: 80,
      createdAt: at('2024-07-01T14:00:00Z'),
      updatedAt: at('2024-07-02T03:30:00Z'),
    },
    {
      playerId: pn.id,
      showId: a.id,
      state: 'QUEUED',
      score: 0,
      createdAt: at('2024-07-02T03:30:00Z'),
      updatedAt: at('2024-07-02T03:31:00Z'),
    },
    {
      playerId: pr.id,
      showId: b.id,
      state: 'COMPLETED',
      score: 80,
      createdAt: at('2024-07-02T05:00:00Z'),
      updatedAt: at('2024-07-02T05:10:00Z'),
    },
    {
      playerId: pb.id,
      showId: b.id,
      state: 'CANCELLED',
      score: 0,
      createdAt: at('2024-07-02T05:00:00Z'),
      updatedAt: at('2024-07-02T06:00:00Z'),
    },
    {
      playerId: pn.id,
      showId: b.id,
      state: 'NEW',
      score: 0,
      createdAt: at('2024-07-02T12:00:00Z'),
      updatedAt: at('2024-07-02T12:00:00Z'),
    },
    {
      playerId: pr.id,
      showId: b.id,
      state: 'QUEUED',
      score: 0,
      createdAt: at('2024-07-02T12:00:00Z'),
      updatedAt: at('2024-07-02T13:00:00Z'),
    },
  ];
  for (const r of rows) await f.game(r);
  // Microsecond-apart creation times: a cursor that kept only milliseconds would skip or repeat one.
  const [m1] = await db
    .insert(gamesTable)
    .values({
      playerId: pn.id,
      showId: b.id,
      createdAt: sql`'2024-07-03 10:00:00.000001+00'`,
      updatedAt: at('2024-07-03T10:00:00Z'),
    } as never)
    .returning();
  const [m2] = await db
    .insert(gamesTable)
    .values({
      playerId: pn.id,
      showId: b.id,
      createdAt: sql`'2024-07-03 10:00:00.000002+00'`,
      updatedAt: at('2024-07-03T10:00:00Z'),
    } as never)
    .returning();
  expect(m1 && m2).toBeTruthy();
  all = await db.select().from(gamesTable);
});

const cmp = (a: number, b: number) => a - b;
const time = (d: Date) => d.getTime();
// JS Dates hold milliseconds: the two microsecond-apart games tie there and id (created in order) breaks the tie.
const expected = {
  CREATED_ASC: () => [...all].sort((a, b) => cmp(time(a.createdAt), time(b.createdAt)) || a.id - b.id),
  CREATED_DESC: () => [...all].sort((a, b) => cmp(time(b.createdAt), time(a.createdAt)) || b.id - a.id),
  SCORE_DESC: () => [...all].sort((a, b) => b.score - a.score || b.id - a.id),
  UPDATED_DESC: () => [...all].sort((a, b) => cmp(time(b.updatedAt), time(a.updatedAt)) || b.id - a.id),
};

describe('games ordering and pagination', () => {
  it('defaults to newest first, 20 a page, with the total', async () => {
    const p = await page({});
    expect(p.totalCount).toBe(all.length);
    expect(p.pageInfo.hasNextPage).toBe(false);
    expect(p.edges.map((e) => Number(e.node.id))).toEqual(expected.CREATED_DESC().map((g) => g.id));
  });

  it.each(Object.keys(expected) as Array<keyof typeof expected>)(
    'walks every page of %s in order without gaps or repeats',
    async (orderBy) => {
      const ids = await walk({ orderBy }, 2);
      expect(ids).toEqual(expected[orderBy]().map((g) => g.id));
      const three = await walk({ orderBy }, 3);
      expect(three).toEqual(ids);
    },
  );

  it('reports totalCount of the whole filter on every page, and cursors per edge', async () => {
    const p1 = await page({ first: 1, orderBy: 'SCORE_DESC' });
    expect(p1.totalCount).toBe(all.length);
    expect(p1.pageInfo.endCursor).toBe(p1.edges[0]!.cursor);
    const p2 = await page({ first: 1, orderBy: 'SCORE_DESC', after: p1.pageInfo.endCursor });
    expect(p2.totalCount).toBe(all.length);
    expect(p2.edges[0]!.node.id).not.toBe(p1.edges[0]!.node.id);
  });

  it("has Relay's startCursor and hasPreviousPage: the first edge's cursor, and whether the page follows a cursor", async () => {
    const p1 = await page({ first: 2, orderBy: 'SCORE_DESC' });
    expect(p1.pageInfo).toMatchObject({ hasPreviousPage: false, startCursor: p1.edges[0]!.cursor });
    const p2 = await page({ first: 2, orderBy: 'SCORE_DESC', after: p1.pageInfo.endCursor });
    expect(p2.pageInfo).toMatchObject({ hasPreviousPage: true, startCursor: p2.edges[0]!.cursor });
    expect(p2.pageInfo.startCursor).not.toBe(p1.pageInfo.startCursor);
  });

  it('answers an empty last page with a null endCursor', async () => {
    const p = await page({ filter: { state: 'PLAYING' } });
    expect(p).toEqual({
      totalCount: 0,
      pageInfo: { hasNextPage: false, endCursor: null, hasPreviousPage: false, startCursor: null },
      edges: [],
    });
  });
});

describe('games filters', () => {
  const idsOf = (pred: (g: Game) => boolean) =>
    expected
      .CREATED_ASC()
      .filter(pred)
      .map((g) => g.id);
  const cases: Array<[string, Record<string, unknown>, () => number[]]> = [
    ['state', { state: 'COMPLETED' }, () => idsOf((g) => g.state === 'COMPLETED')],
    ['showId', { showId: () => String(showA) }, () => idsOf((g) => g.showId === showA)],
    ['team (case-insensitive)', { team: 'red sox' }, () => idsOf((g) => g.playerId === redPlayer)],
    // Local (New York) days: 03:30Z on July 2 is still July 1.
    [
      'createdOn',
      { createdOn: '2024-07-01' },
      () =>
        idsOf(
          (g) =>
            time(g.createdAt) < time(at('2024-07-02T04:00:00Z')) &&
            time(g.createdAt) >= time(at('2024-07-01T04:00:00Z')),
        ),
    ],
    [
      'updatedOn',
      { updatedOn: '2024-07-02' },
      () =>
        idsOf(
          (g) =>
            time(g.updatedAt) >= time(at('2024-07-02T04:00:00Z')) &&
            time(g.updatedAt) < time(at('2024-07-03T04:00:00Z')),
        ),
    ],
    [
      'state + showId',
      { state: 'QUEUED', showId: () => String(showB) },
      () => idsOf((g) => g.state === 'QUEUED' && g.showId === showB),
    ],
    ['unknown team', { team: 'Nobody' }, () => []],
  ];

  it.each(cases)('filters by %s', async (_name, rawFilter, want) => {
    const filter = Object.fromEntries(
      Object.entries(rawFilter).map(([k, v]) => [k, typeof v === 'function' ? (v as () => unknown)() : v]),
    );
    const ids = await walk({ filter, orderBy: 'CREATED_ASC' }, 2);
    const wanted = want();
    expect(ids).toEqual(wanted);
    const p = await page({ filter, first: 1 });
    expect(p.totalCount).toBe(wanted.length);
  });

  it('has each filter actually narrowing the data set', () => {
    // Guards the cases above against a data set where a filter would match everything or nothing.
    expect(new Set(all.map((g) => g.state)).size).toBeGreaterThan(2);
    expect(all.filter((g) => g.showId === showA).length).toBe(3);
  });

  it('filters createdOn by the local day: 03:30Z belongs to the previous New York day', async () => {
    const july1 = await walk({ filter: { createdOn: '2024-07-01' }, orderBy: 'CREATED_ASC' }, 10);
    const queuedLate = all.find((g) => g.createdAt.toISOString() === '2024-07-02T03:30:00.000Z')!;
    expect(july1).toContain(queuedLate.id);
    expect(july1).toHaveLength(3);
  });
});

describe('pagination stays stable when games are inserted between pages', () => {
  it('neither repeats nor skips a game for CREATED_ASC and CREATED_DESC', async () => {
    const show = await f.show({ name: 'stable' });
    const p = await f.player();
    const base = at('2024-08-01T12:00:00Z').getTime();
    const made: Game[] = [];
    for (let i = 0; i < 6; i++)
      made.push(await f.game({ playerId: p.id, showId: show.id, createdAt: new Date(base + i * 60_000) }));
    const filter = { showId: String(show.id) };

    const first = await page({ filter, orderBy: 'CREATED_ASC', first: 3 });
    expect(first.edges.map((e) => Number(e.node.id))).toEqual(made.slice(0, 3).map((g) => g.id));
    // One game sorts before the cursor (an offset would shift and repeat a row), one after it.
    await f.game({ playerId: p.id, showId: show.id, createdAt: new Date(base - 60_000) });
    const late = await f.game({ playerId: p.id, showId: show.id, createdAt: new Date(base + 10 * 60_000) });
    const second = await page({ filter, orderBy: 'CREATED_ASC', first: 3, after: first.pageInfo.endCursor });
    expect(second.edges.map((e) => Number(e.node.id))).toEqual(made.slice(3, 6).map((g) => g.id));
    const third = await page({ filter, orderBy: 'CREATED_ASC', first: 3, after: second.pageInfo.endCursor });
    expect(third.edges.map((e) => Number(e.node.id))).toEqual([late.id]);
    expect(third.totalCount).toBe(8);

    const d1 = await page({ filter, orderBy: 'CREATED_DESC', first: 2 });
    await f.game({ playerId: p.id, showId: show.id, createdAt: new Date(base + 20 * 60_000) }); // newer: before the cursor
    const d2 = await page({ filter, orderBy: 'CREATED_DESC', first: 2, after: d1.pageInfo.endCursor });
    expect(d1.edges.map((e) => Number(e.node.id))).toEqual([late.id, made[5]!.id]);
    expect(d2.edges.map((e) => Number(e.node.id))).toEqual([made[4]!.id, made[3]!.id]);
  });
});

describe('bad arguments', () => {
  it.each([0, -1, 101])('refuses first = %s with BAD_USER_INPUT on first', async (first) => {
    const err = await errorOf({ first });
    expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err?.extensions?.fields).toHaveProperty('first');
  });

  it('accepts first = 100', async () => {
    const { n } = (await db.select({ n: sql<number>`count(*)::int` }).from(gamesTable))[0]!;
    expect(n).toBeGreaterThan(all.length);
    expect((await page({ first: 100 })).edges.length).toBe(n);
  });

  it.each([
    ['garbage', 'not a cursor!'],
    ['base64 of nonsense', Buffer.from('{"x":1}').toString('base64url')],
    ['another ordering', encodeCursor({ order: 'SCORE_DESC', key: [10], id: 1 })],
    ['a forged year 0', encodeCursor({ order: 'CREATED_ASC', key: ['0000-01-01 00:00:00+00'], id: 1 })],
    ['a forged 31 February', encodeCursor({ order: 'CREATED_ASC', key: ['2024-02-31 00:00:00+00'], id: 1 })],
    ["a forged 25 o'clock", encodeCursor({ order: 'CREATED_ASC', key: ['2024-02-01 25:00:00+00'], id: 1 })],
  ])('refuses a malformed cursor (%s) with BAD_USER_INPUT on after', async (_name, after) => {
    const err = await errorOf({ after, orderBy: 'CREATED_ASC' });
    expect(err?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(err?.extensions?.fields).toHaveProperty('after');
  });

  it('refuses a non-numeric showId and an impossible date', async () => {
    const e1 = await errorOf({ filter: { showId: 'abc' } });
    expect(e1?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(e1?.extensions?.fields).toHaveProperty(['filter.showId']);
    const e2 = await errorOf({ filter: { createdOn: '2024-02-30' } });
    expect(e2).toBeDefined();
    expect(e2?.message).toMatch(/createdOn|Date/);
  });
});

describe('game(id)', () => {
  it('returns the game with its player, show, queue position and history; null when unknown', async () => {
    const show = await f.show({ name: 'single' });
    const p = await f.player({ firstName: 'Ada' });
    const g1 = await f.game({ playerId: p.id, showId: show.id, state: 'QUEUED', queuedAt: at('2024-07-01T10:00:00Z') });
    const g2 = await f.game({ playerId: p.id, showId: show.id, state: 'QUEUED', queuedAt: at('2024-07-01T09:00:00Z') });
    await f.event(g1, { fromState: null, toState: 'NEW', actor: 'mlbtablet', at: at('2024-07-01T09:59:00Z') });
    await f.event(g1, { fromState: 'NEW', toState: 'QUEUED', actor: 'mlbtablet', at: at('2024-07-01T10:00:00Z') });
    const q = `query($id: ID!) { game(id: $id) { id state player { firstName } show { name } queuePosition history { from to at actor } } }`;
    const r = await server.gql(q, { id: String(g1.id) });
    expect(r.errors).toBeUndefined();
    expect(r.data.game).toEqual({
      id: String(g1.id),
      state: 'QUEUED',
      player: { firstName: 'Ada' },
      show: { name: 'single' },
      queuePosition: 2,
      history: [
        { from: null, to: 'NEW', at: '2024-07-01T09:59:00.000Z', actor: 'mlbtablet' },
        { from: 'NEW', to: 'QUEUED', at: '2024-07-01T10:00:00.000Z', actor: 'mlbtablet' },
      ],
    });
    expect((await server.gql(q, { id: String(g2.id) })).data.game.queuePosition).toBe(1);
    const done = all.find((g) => g.state === 'COMPLETED')!;
    expect((await server.gql(q, { id: String(done.id) })).data.game.queuePosition).toBeNull();
    expect((await server.gql(q, { id: '999999' })).data.game).toBeNull();
  });
});
