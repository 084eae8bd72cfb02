// Booth lighting end to end over Art-Net (a receiver on 127.0.0.1): the ArtDmx packets, the cues the
// game sets by itself, the legacy POST /lighting/ of the original's VR builds, and the cue table.
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lightingCues } from '../../src/db/schema.js';
import type { Role } from '../../src/domain/roles.js';
import { act, seedShow, seedTeams, signUpPlayer } from '../helpers/api.js';
import { startArtnetReceiver, type ArtDmx, type ArtnetReceiver } from '../helpers/dmx.js';
import { waitFor } from '../helpers/fixtures.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { connectWs, subscribe, type WsClient } from '../helpers/ws.js';

const LIGHTING = `query($showId: ID) { lighting(showId: $showId) { showId cue channels { channel value } changedAt changedBy } }`;
const SET = `mutation($cue: String!) { setLighting(cue: $cue) { cue channels { channel value } changedBy } }`;
const SET_CUES = `mutation($showId: ID!, $cues: [LightingCueInput!]!) { setLightingCues(showId: $showId, cues: $cues) { name channels { channel value } } }`;
const CUE_TABLE = `query($showId: ID) { lightingCues(showId: $showId) { name channels { channel value } } }`;
const UNIVERSE = 258; // Net 1, SubUni 2

let receiver: ArtnetReceiver;
let server: TestServer;
let showId: number;
let ws: WsClient;

beforeAll(async () => {
  receiver = await startArtnetReceiver();
  server = await startTestServer({
    worker: false,
    env: { ARTNET_HOST: `127.0.0.1:${receiver.port}`, ARTNET_UNIVERSE: String(UNIVERSE), RECALL_DISABLE: 'true' },
  });
  showId = (await seedShow(server)).id;
  await seedTeams(server, ['Red Sox', 'Blue Jays']);
  ws = connectWs(server.url);
});

afterAll(async () => {
  await ws?.dispose();
  await server?.stop();
  await receiver?.close();
});

const level = (p: ArtDmx, channel = 2) => p.data[channel - 1];
const lighting = async () => (await server.gql(LIGHTING, { showId: String(showId) })).data.lighting;
/** Waits for the packets to show `value` on channel 2 from now on. */
const lit = (value: number, since = Date.now()) => receiver.until((p) => level(p) === value, 5000, since);

describe('Art-Net output', () => {
  it('sends ArtDmx packets: "Art-Net\\0", OpCode 0x5000, version 14, the universe, an even length and the levels', async () => {
    const staff = await server.token('STAFF');
    const since = Date.now();
    const r = await server.gql(SET, { cue: 'LA' }, staff);
    expect(r.errors).toBeUndefined();
    const p = await lit(11, since);
    expect(p.id).toBe('Art-Net\0');
    expect(p.opCode).toBe(0x5000);
    expect(p.protocol).toBe(14);
    expect(p.universe).toBe(UNIVERSE);
    expect(p.length).toBe(24);
    expect(p.data).toEqual(Buffer.from([0, 11, ...Array(22).fill(0)]));
    expect(p.sequence).toBeGreaterThan(0);
    // The last frame again every second, with the sequence moving on.
    await new Promise((r) => setTimeout(r, 2200));
    const again = receiver.packets.filter((q) => q.at > p.at && level(q) === 11);
    expect(again.length).toBeGreaterThanOrEqual(2);
    expect(new Set(again.map((q) => q.sequence)).size).toBe(again.length);
    const status = await (await fetch(`${server.url}/readyz`)).json();
    expect(status).toMatchObject({ status: 'ready', lighting: { cue: 'LA', degraded: false } });
  });
});

describe('automatic cues', () => {
  it('confirm → the team, play → in-game, complete → attract; a cancel while another game plays changes nothing', async () => {
    const sub = subscribe(ws, `subscription($s: ID) { lightingChanged(showId: $s) { cue changedBy } }`, {
      s: String(showId),
    });
    await sub.nth(0);
    const a = await signUpPlayer(server, { firstName: 'Ava' });
    const b = await signUpPlayer(server, { firstName: 'Ben' });

    let since = Date.now();
    expect((await act(server, 'confirm', a.gameId)).errors).toBeUndefined();
    // Teams are assigned at confirm: the first goes to the Red Sox (Boston's level, 15).
    await lit(15, since);
    expect(await lighting()).toMatchObject({ cue: 'Red Sox', changedBy: 'system' });
    await sub.until((m) => m.lightingChanged.cue === 'Red Sox');

    since = Date.now();
    expect((await act(server, 'play', a.gameId)).errors).toBeUndefined();
    await lit(8, since);
    expect((await lighting()).cue).toBe('in-game');
    // Subscribers get the latest cue: wait for this one before the next change can supersede it.
    await sub.until((m) => m.lightingChanged.cue === 'in-game');

    since = Date.now();
    expect((await act(server, 'confirm', b.gameId)).errors).toBeUndefined();
    await lit(11, since); // Blue Jays
    expect((await lighting()).cue).toBe('Blue Jays');
    await sub.until((m) => m.lightingChanged.cue === 'Blue Jays');
    expect((await act(server, 'cancel', b.gameId)).errors).toBeUndefined();
    await new Promise((r) => setTimeout(r, 500));
    expect((await lighting()).cue).toBe('Blue Jays'); // Ava is still playing

    since = Date.now();
    expect((await act(server, 'complete', a.gameId)).errors).toBeUndefined();
    await lit(2, since);
    expect(await lighting()).toMatchObject({ cue: 'attract', changedBy: 'system' });
    await sub.until((m) => m.lightingChanged.cue === 'attract' && m.lightingChanged.changedBy === 'system');
    const seen = sub.messages.map((m) => m.lightingChanged.cue);
    expect(seen).toEqual(expect.arrayContaining(['Red Sox', 'in-game', 'Blue Jays', 'attract']));
    sub.stop();
  });
});

describe('after the change feed reconnects', () => {
  it('a transition whose announcement was missed still sets its cue', async () => {
    const d = await signUpPlayer(server, { firstName: 'Dee' });
    const sql = server.app.context.database.primarySql;
    // As while the listener was away: the transition commits unannounced.
    await sql`alter table game_events disable trigger game_events_announce`;
    await sql`alter table players disable trigger players_announce`;
    try {
      expect((await act(server, 'confirm', d.gameId)).errors).toBeUndefined();
    } finally {
      await sql`alter table game_events enable trigger game_events_announce`;
      await sql`alter table players enable trigger players_announce`;
    }
    await new Promise((r) => setTimeout(r, 300));
    expect((await lighting()).cue).toBe('attract');
    // What the listener reports once it is back.
    const since = Date.now();
    server.app.context.live!.resync();
    await lit(15, since); // Dee joins the Red Sox (a tie with the Blue Jays goes to the lower id)
    expect(await lighting()).toMatchObject({ cue: 'Red Sox', changedBy: 'system' });
  });
});

describe('POST /lighting/ (the original VR builds)', () => {
  const post = (body: unknown, token?: string) =>
    fetch(`${server.url}/lighting/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  const EVENTS: Array<[string, string, number]> = [
    ['LA', 'LA', 11],
    ['Boston', 'Boston', 15],
    ['attractor', 'attract', 2],
    ['in-game', 'in-game', 8],
  ];
  const ALLOWED: Role[] = ['VR_GAME', 'STAFF', 'ADMIN'];

  it.each(ALLOWED)('%s: each event answers {"received": event} and lights its cue', async (role) => {
    const token = await server.token(role);
    for (const [event, cue, value] of EVENTS) {
      const since = Date.now();
      const res = await post({ event }, token);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: event });
      await lit(value, since);
      expect(await lighting()).toMatchObject({ cue, changedBy: expect.any(String) });
    }
  });

  it('TABLET is forbidden, no token is unauthenticated, an unknown event is 400 with the allowed values', async () => {
    const before = await lighting();
    const tablet = await post({ event: 'LA' }, await server.token('TABLET'));
    expect(tablet.status).toBe(403);
    expect(((await tablet.json()) as any).errors[0].extensions.code).toBe('FORBIDDEN');
    const anonymous = await post({ event: 'LA' });
    expect(anonymous.status).toBe(401);
    const bad = await post({ event: 'Chicago' }, await server.token('VR_GAME'));
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as any;
    expect(body.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      allowed: ['LA', 'Boston', 'attractor', 'in-game'],
    });
    expect((await post({}, await server.token('VR_GAME'))).status).toBe(400);
    // The trailing slash is the original's path; the route matches it exactly.
    expect((await fetch(`${server.url}/lighting`, { method: 'POST' })).status).toBe(404);
    expect(await lighting()).toEqual(before);
  });
});

describe('setLighting and the cue table', () => {
  it('setLighting is for STAFF, VR_GAME and ADMIN; an unknown cue is BAD_USER_INPUT', async () => {
    expect(
      (await server.gql(SET, { cue: 'in-game' }, await server.token('TABLET'))).errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
    expect((await server.gql(SET, { cue: 'in-game' })).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const unknown = await server.gql(SET, { cue: 'disco' }, await server.token('VR_GAME'));
    expect(unknown.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { cue: expect.any(String) },
    });
    const ok = await server.gql(SET, { cue: 'IN-GAME' }, await server.token('VR_GAME'));
    expect(ok.data.setLighting).toMatchObject({ cue: 'in-game', changedBy: 'mlbvrgame' });
  });

  it('a table with bad channels or levels is refused whole and nothing is stored', async () => {
    const admin = await server.token('ADMIN');
    const before = (await server.gql(CUE_TABLE, { showId: String(showId) })).data.lightingCues;
    expect(before.map((c: { name: string }) => c.name)).toEqual([
      'attract',
      'in-game',
      'LA',
      'Boston',
      'Red Sox',
      'Blue Jays',
    ]);
    const r = await server.gql(
      SET_CUES,
      {
        showId: String(showId),
        cues: [
          { name: 'attract', channels: [{ channel: 1, value: 10 }] },
          {
            name: 'in-game',
            channels: [
              { channel: 0, value: 10 },
              { channel: 513, value: 1 },
            ],
          },
          {
            name: 'Red Sox',
            channels: [
              { channel: 5, value: 256 },
              { channel: 6, value: -1 },
            ],
          },
          { name: 'red sox', channels: [] },
        ],
      },
      admin,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(r.errors![0]!.extensions!.fields).sort()).toEqual([
      'cues.1.channels.0.channel',
      'cues.1.channels.1.channel',
      'cues.2.channels.0.value',
      'cues.2.channels.1.value',
      'cues.3.name',
    ]);
    const missing = await server.gql(
      SET_CUES,
      { showId: String(showId), cues: [{ name: 'attract', channels: [] }] },
      admin,
    );
    expect(missing.errors?.[0]?.extensions?.fields).toHaveProperty('cues');
    const [stored] = await server.app.context.database.db
      .select({ n: count() })
      .from(lightingCues)
      .where(eq(lightingCues.showId, showId));
    expect(stored!.n).toBe(0);
    expect((await server.gql(CUE_TABLE, { showId: String(showId) })).data.lightingCues).toEqual(before);
    // Only ADMIN edits it.
    const staff = await server.gql(SET_CUES, { showId: String(showId), cues: before }, await server.token('STAFF'));
    expect(staff.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('a stored table replaces the default; its cues light the channels it names, and a team without a cue gets in-game', async () => {
    const admin = await server.token('ADMIN');
    const cues = [
      { name: 'attract', channels: [{ channel: 1, value: 40 }] },
      {
        name: 'in-game',
        channels: [
          { channel: 1, value: 255 },
          { channel: 30, value: 128 },
        ],
      },
      { name: 'Red Sox', channels: [{ channel: 3, value: 200 }] },
    ];
    const r = await server.gql(SET_CUES, { showId: String(showId), cues }, admin);
    expect(r.errors).toBeUndefined();
    expect(r.data.setLightingCues).toEqual(cues);
    expect((await server.gql(CUE_TABLE, { showId: String(showId) })).data.lightingCues).toEqual(cues);

    let since = Date.now();
    await server.gql(SET, { cue: 'in-game' }, await server.token('STAFF'));
    // The frame covers every channel the table uses: 30.
    const p = await receiver.until((q) => q.data[0] === 255, 5000, since);
    expect(p.length).toBe(30);
    expect([...p.data]).toEqual([255, ...Array(28).fill(0), 128]);

    // A Blue Jays player (the stored table has no Blue Jays cue) lights in-game at confirm.
    await server.gql(SET, { cue: 'attract' }, await server.token('STAFF'));
    await receiver.until((q) => q.data[0] === 40, 5000, Date.now());
    const c = await signUpPlayer(server, { firstName: 'Cy', team: 'Blue Jays' });
    since = Date.now();
    expect((await act(server, 'confirm', c.gameId)).errors).toBeUndefined();
    await receiver.until((q) => q.data[0] === 255, 5000, since);
    await waitFor(async () => (await lighting()).cue === 'in-game', 5000, 'in-game');
  });
});
