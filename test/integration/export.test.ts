import { beforeAll, describe, expect, it } from 'vitest';
import { games as gamesTable, type Player, type Show } from '../../src/db/schema.js';
import { EXPORT_BATCH, EXPORT_COLUMNS } from '../../src/http/routes/export.js';
import { at, fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

let pageQueries = 0;
const server = await useTestServer({
  worker: false,
  env: { TZ: 'America/Los_Angeles' },
  onQuery: (sql) => {
    if (/^select .* from "games" .*order by .* limit \$\d+$/s.test(sql)) pageQueries++;
  },
});
const db = server.app.context.database.db;
const f = fixtures(db);

/** A strict RFC 4180 reader, independent of the writer under test. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      i++;
      continue;
    }
    if (c === ',') {
      row.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 2;
      continue;
    }
    if (c === '"' || c === '\n' || c === '\r') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    cell += c;
    i++;
  }
  if (cell !== '' || row.length) throw new Error('last row does not end with CRLF');
  return rows;
}

async function download(query: string, token?: string | null) {
  const res = await fetch(`${server.url}/export/games.csv${query}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const text = await res.text();
  return { res, text };
}

async function exportRows(query: string) {
  const { res, text } = await download(query, await server.token('STAFF'));
  expect(res.status, text.slice(0, 300)).toBe(200);
  const [header, ...rows] = parseCsv(text);
  expect(header).toEqual([...EXPORT_COLUMNS]);
  return rows.map((r) => Object.fromEntries(EXPORT_COLUMNS.map((c, i) => [c, r[i]!])));
}

let show: Show;
let other: Show;
let tricky: Player;

beforeAll(async () => {
  show = await f.show({ name: 'Derby, "Night" 1' });
  other = await f.show({ name: 'Other' });
  const team = await f.team({ name: '=Sluggers' });
  tricky = await f.player({
    firstName: '=HYPERLINK("http://evil","x")',
    lastName: 'Smith, "Jr"\nthe 2nd',
    mobileNumber: '+14155550100',
    email: '@me@example.com',
    teamId: team.id,
  });
  const plain = await f.player({ firstName: 'Ann', lastName: '-dash' });
  await f.game({
    playerId: tricky.id,
    showId: show.id,
    state: 'COMPLETED',
    score: 42,
    distance: 400,
    homeruns: 3,
    createdAt: at('2024-07-02T06:30:00Z'),
    completedAt: at('2024-07-02T06:40:00Z'),
  });
  await f.game({
    playerId: plain.id,
    showId: show.id,
    state: 'QUEUED',
    createdAt: at('2024-07-02T07:30:00Z'),
    queuedAt: at('2024-07-02T07:31:00Z'),
  });
  await f.game({ playerId: plain.id, showId: other.id, state: 'NEW', createdAt: at('2024-07-03T12:00:00Z') });
});

describe('GET /export/games.csv access', () => {
  it('answers 401 JSON without a token or with a bad one', async () => {
    for (const token of [null, 'not-a-token']) {
      const { res, text } = await download('', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      expect(JSON.parse(text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });

  it.each(['TABLET', 'VR_GAME'] as const)('answers 403 JSON to a %s account', async (role) => {
    const { res, text } = await download('', await server.token(role));
    expect(res.status).toBe(403);
    expect(JSON.parse(text).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  it.each(['STAFF', 'ADMIN'] as const)('serves a %s account a CSV attachment', async (role) => {
    const { res } = await download('', await server.token(role));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="games-\d{4}-\d{2}-\d{2}\.csv"$/);
  });
});

describe('GET /export/games.csv content', () => {
  it('quotes commas, quotes and newlines, defuses formulas, and includes contact details', async () => {
    const rows = await exportRows(`?showId=${show.id}`);
    const row = rows.find((r) => r.player_id === String(tricky.id))!;
    expect(row).toMatchObject({
      show: 'Derby, "Night" 1',
      state: 'COMPLETED',
      score: '42',
      distance: '400',
      homeruns: '3',
      first_name: `'=HYPERLINK("http://evil","x")`,
      last_name: 'Smith, "Jr"\nthe 2nd',
      mobile_number: "'+14155550100",
      email: "'@me@example.com",
      team: "'=Sluggers",
      created_at: '2024-07-02T06:30:00.000Z',
      completed_at: '2024-07-02T06:40:00.000Z',
      queued_at: '',
    });
    expect(rows.find((r) => r.first_name === 'Ann')!.last_name).toBe("'-dash");
  });

  it('applies the games filters as query parameters (state, showId, team, local days, order)', async () => {
    const ids = async (q: string) => (await exportRows(q)).map((r) => Number(r.game_id));
    const all = await ids('');
    expect(all).toHaveLength(3);
    expect(await ids('?state=COMPLETED')).toEqual([all[0]]);
    expect(await ids(`?showId=${other.id}`)).toEqual([all[2]]);
    expect(await ids(`?team=${encodeURIComponent('=sluggers')}`)).toEqual([all[0]]);
    // 06:30Z on July 2 is July 1 in Los Angeles; 07:30Z is July 2.
    expect(await ids('?createdOn=2024-07-01')).toEqual([all[0]]);
    expect(await ids('?createdOn=2024-07-02')).toEqual([all[1]]);
    expect(await ids('?orderBy=CREATED_DESC')).toEqual([...all].reverse());
    // Same answer as the games query for the same filter.
    const gql = await server.gql(`{ games(filter: { createdOn: "2024-07-02" }) { edges { node { id } } } }`);
    expect(gql.data.games.edges.map((e: { node: { id: string } }) => Number(e.node.id))).toEqual([all[1]]);
  });

  it('refuses bad parameters with 400 JSON naming each one, before any CSV is sent', async () => {
    const { res, text } = await download(
      '?state=DONE&createdOn=2024-13-01&orderBy=RANDOM',
      await server.token('STAFF'),
    );
    expect(res.status).toBe(400);
    const err = JSON.parse(text).errors[0];
    expect(err.extensions.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(err.extensions.fields).sort()).toEqual(['createdOn', 'orderBy', 'state']);
    const badShow = await download('?showId=abc', await server.token('STAFF'));
    expect(badShow.res.status).toBe(400);
  });

  it('streams many games batch by batch, every game exactly once', async () => {
    const p = await f.player({ firstName: 'Bulk' });
    const bulk = await f.show({ name: 'Bulk' });
    const n = EXPORT_BATCH * 2 + 37;
    const base = at('2024-08-01T00:00:00Z').getTime();
    await db.insert(gamesTable).values(
      Array.from({ length: n }, (_, i) => ({
        playerId: p.id,
        showId: bulk.id,
        createdAt: new Date(base + Math.floor(i / 3) * 1000),
      })),
    );
    pageQueries = 0;
    const token = await server.token('STAFF');
    const res = await fetch(`${server.url}/export/games.csv?showId=${bulk.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    const rows = parseCsv(await res.text()).slice(1);
    expect(rows).toHaveLength(n);
    expect(new Set(rows.map((r) => r[0])).size).toBe(n);
    // Read in keyset batches, never in one go.
    expect(pageQueries).toBe(Math.ceil(n / EXPORT_BATCH));
  });
});
