import { eq } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { games } from '../../src/db/schema.js';
import { createClient } from 'graphql-ws';
import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { keyOf } from '../../src/live/fanout.js';
import { useTestServer } from '../helpers/server.js';
import { connectWs, createShow, delay, move, signUpGame, subscribe, wsUrl, type WsClient } from '../helpers/ws.js';

const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
const showId = await createShow(server, 'Subscriptions Show');
const QUEUE = `subscription($s: ID) { queueChanged(showId: $s) { id version show { id name } waiting { position game { id state } } confirmed { id } playing { id } } }`;
const open: WsClient[] = [];
const connect = (token?: string | null) => {
  const c = connectWs(server.url, token);
  open.push(c);
  return c;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.dispose()));
});

describe('queueChanged', () => {
  it('sends the current snapshot first, then one message per change with a growing version', async () => {
    const gameId = await signUpGame(server, showId, 'Ada');
    const sub = subscribe(connect(), QUEUE, { s: showId });
    const first = await sub.nth(0);
    expect(first.queueChanged.show).toEqual({ id: showId, name: 'Subscriptions Show' });
    // The same id as the queue query's, so a client cache merges the payload into it.
    expect(first.queueChanged.id).toBe(showId);
    expect(first.queueChanged.waiting).toEqual([]);

    await move(server, 'queueGame', gameId, 'TABLET');
    const second = await sub.nth(1);
    expect(second.queueChanged.waiting).toEqual([{ position: 1, game: { id: gameId, state: 'QUEUED' } }]);
    expect(second.queueChanged.version).toBeGreaterThan(first.queueChanged.version);

    await move(server, 'confirmGame', gameId, 'TABLET');
    const third = await sub.nth(2);
    expect(third.queueChanged.waiting).toEqual([]);
    expect(third.queueChanged.confirmed).toEqual([{ id: gameId }]);
    expect(third.queueChanged.version).toBeGreaterThan(second.queueChanged.version);
    await delay(150);
    expect(sub.messages).toHaveLength(3);
    await move(server, 'cancelGame', gameId, 'TABLET');
  });

  it('follows the current show when showId is omitted', async () => {
    const sub = subscribe(connect(), `subscription { queueChanged { show { id } } }`);
    const current = await server.gql(`{ currentShow { id } }`);
    const expected = current.data?.currentShow?.id ?? showId;
    expect((await sub.nth(0)).queueChanged.show.id).toBe(expected);
  });

  it('coalesces a burst into one load and never loses the last state', async () => {
    const ids = await Promise.all(['B1', 'B2', 'B3', 'B4', 'B5'].map((n) => signUpGame(server, showId, n)));
    const sub = subscribe(connect(), QUEUE, { s: showId });
    await sub.nth(0);
    const hub = server.app.context.live!;

    // Fifty announcements in one tick: one load, and no message, since nothing in the queue changed.
    const before = hub.stats().loads;
    for (let i = 0; i < 50; i++) hub.changed({ showId: Number(showId) });
    await vi.waitFor(() => expect(hub.stats().loads - before).toBe(1));
    await delay(120);
    expect(hub.stats().loads - before).toBe(1);
    expect(sub.messages).toHaveLength(1);

    // Five real mutations at once: however they are grouped, the last message has all five.
    await Promise.all(ids.map((id) => move(server, 'queueGame', id, 'TABLET')));
    const last = await sub.until((m) => m.queueChanged.waiting.length === 5);
    expect(last.queueChanged.waiting.map((w: any) => w.game.id).sort()).toEqual([...ids].sort());
    await delay(120);
    expect(sub.messages.at(-1)).toEqual(last);
    expect(sub.messages.length).toBeLessThanOrEqual(1 + 5);
    await Promise.all(ids.map((id) => move(server, 'cancelGame', id, 'TABLET')));
  });

  it('executes identical subscriptions once per visibility and sends everyone the same result', async () => {
    const hub = server.app.context.live!;
    const doc = `subscription($s: ID) { queueChanged(showId: $s) { version waiting { position } } }`;
    const anon = [connect(), connect(), connect()].map((c) => subscribe(c, doc, { s: showId }));
    const tablet = await server.token('TABLET');
    const signed = [connect(tablet), connect(tablet)].map((c) => subscribe(c, doc, { s: showId }));
    await Promise.all([...anon, ...signed].map((s) => s.nth(0)));
    const anonKey = keyOf({ query: doc, variables: { s: showId }, operationName: undefined, visibility: 'anonymous' });
    const tabletKey = keyOf({ query: doc, variables: { s: showId }, operationName: undefined, visibility: 'TABLET' });
    expect(hub.fanout.info(anonKey)).toEqual({ subscribers: 3, executed: 1 });
    expect(hub.fanout.info(tabletKey)).toEqual({ subscribers: 2, executed: 1 });
    const gameId = await signUpGame(server, showId, 'Shared');
    await move(server, 'queueGame', gameId, 'TABLET');
    const results = await Promise.all(
      [...anon, ...signed].map((s) => s.until((m) => m.queueChanged.waiting.length === 1)),
    );
    for (const r of results) expect(r).toEqual(results[0]);
    expect(hub.fanout.info(anonKey)!.executed).toBe(hub.fanout.info(tabletKey)!.executed);
    expect(hub.fanout.info(anonKey)!.executed).toBeGreaterThanOrEqual(2);
    expect(hub.fanout.info(anonKey)!.executed).toBeLessThanOrEqual(3);
    await move(server, 'cancelGame', gameId, 'TABLET');
  });
});

describe('gameChanged', () => {
  it('sends the game as it is, then after each change', async () => {
    const gameId = await signUpGame(server, showId, 'Gus');
    const sub = subscribe(connect(), `subscription($id: ID!) { gameChanged(id: $id) { id state queuedAt } }`, {
      id: gameId,
    });
    expect((await sub.nth(0)).gameChanged).toEqual({ id: gameId, state: 'NEW', queuedAt: null });
    await move(server, 'queueGame', gameId, 'TABLET');
    const queued = await sub.nth(1);
    expect(queued.gameChanged.state).toBe('QUEUED');
    expect(queued.gameChanged.queuedAt).toEqual(expect.any(String));
    await move(server, 'cancelGame', gameId, 'TABLET');
    expect((await sub.nth(2)).gameChanged.state).toBe('CANCELLED');
  });

  it('sends nothing when a change elsewhere in the show leaves the game as it was', async () => {
    const gameId = await signUpGame(server, showId, 'Quiet');
    await move(server, 'queueGame', gameId, 'TABLET');
    const sub = subscribe(connect(), `subscription($id: ID!) { gameChanged(id: $id) { id state queuedAt } }`, {
      id: gameId,
    });
    await sub.nth(0);
    const hub = server.app.context.live!;
    const before = hub.stats().loads;
    // Another player confirms straight from NEW: the show changed, this game (and its place) did not.
    const other = await signUpGame(server, showId, 'Elsewhere');
    await move(server, 'confirmGame', other, 'TABLET');
    await vi.waitFor(() => expect(hub.stats().loads).toBeGreaterThan(before));
    await delay(150);
    expect(sub.messages).toHaveLength(1);
    await move(server, 'cancelGame', gameId, 'TABLET');
    expect((await sub.nth(1)).gameChanged.state).toBe('CANCELLED');
    await move(server, 'cancelGame', other, 'TABLET');
  });
});

describe('one change, one payload', () => {
  it('sends a completion once to queue and game subscribers, not again when its souvenir is stored', async () => {
    const gameId = await signUpGame(server, showId, 'Once', { mobileNumber: null });
    await move(server, 'confirmGame', gameId, 'TABLET');
    await move(server, 'playGame', gameId, 'VR_GAME');
    const queue = subscribe(connect(), `subscription($s: ID) { queueChanged(showId: $s) { version playing { id } } }`, {
      s: showId,
    });
    const game = subscribe(connect(), `subscription($id: ID!) { gameChanged(id: $id) { id state score } }`, {
      id: gameId,
    });
    await Promise.all([queue.nth(0), game.nth(0)]);
    const r = await server.gql(
      `mutation($id: ID!) { completeGame(id: $id, result: { score: 5, distance: 50, homeruns: 0 }) { id } }`,
      { id: gameId },
      await server.token('VR_GAME'),
    );
    expect(r.errors).toBeUndefined();
    await queue.until((m) => m.queueChanged.playing.every((g: any) => g.id !== gameId));
    await game.until((m) => m.gameChanged.state === 'COMPLETED');
    // The souvenir worker stores the card on the game row, which announces the game again.
    const db = server.app.context.database.db;
    await vi.waitFor(
      async () => {
        const [row] = await db
          .select({ key: games.souvenirKey })
          .from(games)
          .where(eq(games.id, Number(gameId)));
        expect(row?.key).toBeTruthy();
      },
      { timeout: 20_000, interval: 100 },
    );
    await delay(200);
    expect(game.messages.map((m) => m.gameChanged.state)).toEqual(['PLAYING', 'COMPLETED']);
    const versions = queue.messages.map((m) => m.queueChanged.version);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions).toHaveLength(2);
  });
});

describe('errors', () => {
  it('answers unknown ids, bad documents and over-deep queries with an error for that operation only', async () => {
    const ws = connect();
    const cases: Array<[string, Record<string, unknown> | undefined, string | RegExp]> = [
      [QUEUE, { s: '999999' }, 'NOT_FOUND'],
      [QUEUE, { s: 'abc' }, 'NOT_FOUND'],
      [`subscription { gameChanged(id: "424242") { id } }`, undefined, 'NOT_FOUND'],
      [`subscription { queueChanged { nope } }`, undefined, /Cannot query field/],
      [`subscription { queueChanged(`, undefined, /Syntax Error/],
    ];
    for (const [query, vars, expected] of cases) {
      const err = await subscribe(ws, query, vars).error();
      const first = (err as any[])[0];
      if (typeof expected === 'string') expect(first.extensions?.code, query).toBe(expected);
      else expect(first.message).toMatch(expected);
    }
    // The socket is still fine after all that.
    const ok = subscribe(ws, QUEUE, { s: showId });
    expect((await ok.nth(0)).queueChanged.show.id).toBe(showId);
  });

  it('gives parse and validation errors the same codes as HTTP', async () => {
    const ws = connect();
    for (const [query, code] of [
      ['subscription { queueChanged(', 'GRAPHQL_PARSE_FAILED'],
      ['subscription { queueChanged { nope } }', 'GRAPHQL_VALIDATION_FAILED'],
    ] as const) {
      const overWs = ((await subscribe(ws, query).error()) as any[])[0];
      const overHttp = (await server.gql(query)).errors?.[0];
      expect(overWs.extensions?.code, query).toBe(code);
      expect(overHttp?.extensions?.code, query).toBe(code);
      expect(overWs.message).toBe(overHttp?.message);
    }
  });

  it('closes the socket with 4400 on a malformed message instead of hanging', async () => {
    const socket = new WebSocket(wsUrl(server.url), 'graphql-transport-ws');
    await new Promise((r) => socket.once('open', r));
    socket.send(JSON.stringify({ type: 'connection_init' }));
    await new Promise((r) => socket.once('message', r));
    const closed = new Promise<[number, string]>((r) => socket.once('close', (c, reason) => r([c, String(reason)])));
    socket.send('{not json');
    expect((await closed)[0]).toBe(4400);
  });
});

describe('auth', () => {
  const tokenExpiringIn = async (seconds: number) => {
    const key = new TextEncoder().encode(server.config.secretKey);
    const nowS = Math.floor(Date.now() / 1000);
    const [account] = await server.app.context.database.db.query.accounts.findMany({
      where: (a, { eq }) => eq(a.username, 'mlbtablet'),
    });
    return new SignJWT({ username: 'mlbtablet', role: 'TABLET' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(account!.id))
      .setIssuedAt(nowS)
      .setExpirationTime(nowS + seconds)
      .sign(key);
  };

  it('closes a socket with 4403 when its token expires; a fresh token gets a fresh snapshot', async () => {
    const ws = connect(await tokenExpiringIn(2));
    const sub = subscribe(ws, QUEUE, { s: showId });
    await sub.nth(0);
    const closed = await ws.closed;
    expect(closed).toEqual({ code: 4403, reason: 'Token expired' });

    const again = subscribe(connect(await server.token('TABLET')), QUEUE, { s: showId });
    expect((await again.nth(0)).queueChanged.show.id).toBe(showId);
  });

  it("lets graphql-ws's own client reconnect by itself with a fresh token when its token expires", async () => {
    // The tablet's pattern from the README: connectionParams as a function that fetches a fresh token.
    const tokens = [await tokenExpiringIn(2), await server.token('TABLET')];
    let asked = 0;
    const closes: number[] = [];
    const client = createClient({
      url: wsUrl(server.url),
      webSocketImpl: WebSocket,
      retryWait: () => delay(50),
      connectionParams: () => ({ authorization: `Bearer ${tokens[Math.min(asked++, 1)]}` }),
      on: { closed: (e) => closes.push((e as { code: number }).code) },
    });
    try {
      const snapshots: number[] = [];
      const gameId = await signUpGame(server, showId, 'Rita');
      const done = new Promise<void>((resolve, reject) => {
        client.subscribe<any>(
          { query: QUEUE, variables: { s: showId } },
          {
            next: (m) => {
              snapshots.push(m.data.queueChanged.version);
              if (asked >= 2 && m.data.queueChanged.waiting.some((w: any) => w.game.id === gameId)) resolve();
            },
            error: reject,
            complete: () => reject(new Error('completed instead of reconnecting')),
          },
        );
      });
      await vi.waitFor(() => expect(asked).toBe(2), { timeout: 6000, interval: 50 });
      await move(server, 'queueGame', gameId, 'TABLET');
      await done;
      expect(closes).toEqual([4403]);
      expect(snapshots.length).toBeGreaterThanOrEqual(2);
      await move(server, 'cancelGame', gameId, 'TABLET');
    } finally {
      await client.dispose();
    }
  });

  it('refuses an expired token at connection time with 4403, which the client retries', async () => {
    const expired = connect(await tokenExpiringIn(-10));
    expect(await expired.closed).toEqual({ code: 4403, reason: 'Your session has expired; sign in again' });
  });

  it('refuses a bad token at connection time with 4401', async () => {
    const ws = connect('not-a-token');
    const closed = await ws.closed;
    expect(closed.code).toBe(4401);
  });

  it('never sends mobileNumber or email to anonymous subscribers; signed-in ones get them', async () => {
    const gameId = await signUpGame(server, showId, 'Pia', { mobileNumber: '+12025550123', email: 'pia@example.com' });
    await move(server, 'queueGame', gameId, 'TABLET');
    const doc = `subscription($s: ID) { queueChanged(showId: $s) { waiting { game { id player { firstName mobileNumber email } } } } }`;
    const anon = subscribe(connect(), doc, { s: showId });
    const signed = subscribe(connect(await server.token('TABLET')), doc, { s: showId });
    const pick = (m: any) => m.queueChanged.waiting.find((w: any) => w.game.id === gameId)?.game.player;
    expect(pick(await anon.nth(0))).toEqual({ firstName: 'Pia', mobileNumber: null, email: null });
    expect(pick(await signed.nth(0))).toEqual({
      firstName: 'Pia',
      mobileNumber: '+12025550123',
      email: 'pia@example.com',
    });
    await move(server, 'cancelGame', gameId, 'TABLET');
  });
});
