// What one caller may make the server do, over HTTP and WebSocket alike: documents bounded before
// parsing and validation (a 5,000-level query is a clean 400, not a stack overflow), costs that count
// database work and fail closed, a budget per anonymous address that signed-in devices never pay
// from, subscriptions per socket and sockets per address. Refusals carry a code; a refused
// WebSocket operation leaves its socket open.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_FIELDS } from '../../src/domain/operation-limits.js';
import { useTestServer, type TestServer } from '../helpers/server.js';
import { connectWs, createShow, delay, subscribe, wsUrl, type WsClient } from '../helpers/ws.js';

const limits = await useTestServer({ worker: false });
// A small budget, so that spending it takes a hundred requests.
const metered = await useTestServer({
  worker: false,
  env: { ANONYMOUS_COST_PER_SECOND: '50', ANONYMOUS_COST_BURST: '5000' },
});
const capped = await useTestServer({ worker: false, env: { MAX_SOCKETS_PER_ADDRESS: '5' } });
const showId = await createShow(limits, 'Limits Show');
const meteredShowId = await createShow(metered, 'Metered Show');

const QUEUE = `subscription($s: ID) { queueChanged(showId: $s) { version } }`;
const DEEP = `${'{ a '.repeat(5000)}${'}'.repeat(5000)}`;
const aliasedQueues = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `q${i}:queue{version}`).join(' ')} }`;

const open: WsClient[] = [];
const connect = (server: TestServer, token?: string | null) => {
  const c = connectWs(server.url, token);
  open.push(c);
  return c;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.dispose()));
});

async function post(server: TestServer, body: unknown, token?: string) {
  const started = performance.now();
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: any }> };
  return { status: res.status, headers: res.headers, ms: performance.now() - started, ...json };
}

async function internalErrors(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.app.http!.metricsUrl}/metrics`)).text();
  return Number(/mlb_graphql_errors_total\{code="INTERNAL_SERVER_ERROR"\} (\d+)/.exec(text)?.[1] ?? 0);
}

/** Opens a raw graphql-transport-ws socket; resolves with it once acknowledged, or with the HTTP status that refused it. */
function rawSocket(server: TestServer): Promise<{ socket?: WebSocket; refused?: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(wsUrl(server.url), 'graphql-transport-ws');
    // Once settled, later errors (a reset after a close) change nothing.
    socket.on('error', reject);
    socket.once('unexpected-response', (req, res) => {
      resolve({ refused: res.statusCode });
      req.destroy();
    });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.once('message', () => resolve({ socket }));
  });
}

describe('documents', () => {
  it('answers a query nested 5,000 levels deep with a clean 400 QUERY_TOO_DEEP over HTTP, and per operation over WebSocket', async () => {
    const before = await internalErrors(limits);
    const r = await post(limits, { query: DEEP });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');

    const ws = connect(limits);
    const err = (await subscribe(ws, DEEP).error()) as any[];
    expect(err[0].extensions.code).toBe('QUERY_TOO_DEEP');
    expect(err[0].extensions.http).toBeUndefined();
    // The socket is still fine.
    expect((await subscribe(ws, QUEUE, { s: showId }).nth(0)).queueChanged.version).toEqual(expect.any(Number));
    expect(await internalErrors(limits)).toBe(before);
  });

  it('refuses a document over MAX_DOCUMENT_BYTES (413 over HTTP), too many tokens, and too many fields before validation', async () => {
    const large = `{ __typename }${' '.repeat(65 * 1024)}`;
    const tokens = `{ __typename(x: [${'1 '.repeat(11_000)}]) }`;
    const fields = `{ ${Array.from({ length: MAX_FIELDS + 1 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    const http = await Promise.all([large, tokens, fields].map((query) => post(limits, { query })));
    expect(http.map((r) => [r.status, r.errors?.[0]?.extensions?.code])).toEqual([
      [413, 'DOCUMENT_TOO_LARGE'],
      [400, 'GRAPHQL_PARSE_FAILED'],
      [400, 'TOO_MANY_FIELDS'],
    ]);
    expect(http[1]!.errors?.[0]?.message).toMatch(/10000 tokens/);

    const ws = connect(limits);
    const codes = [];
    for (const query of [large, tokens, fields])
      codes.push(((await subscribe(ws, query).error()) as any[])[0].extensions.code);
    expect(codes).toEqual(['DOCUMENT_TOO_LARGE', 'GRAPHQL_PARSE_FAILED', 'TOO_MANY_FIELDS']);
    expect((await subscribe(ws, `{ __typename }`).nth(0)).__typename).toBe('Query');
  });

  it('refuses a body or message over twice MAX_DOCUMENT_BYTES + 16 KiB: 413 over HTTP, close 1009 over WebSocket', async () => {
    const r = await post(limits, { query: `{ __typename }`, variables: { pad: 'x'.repeat(200 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    const { socket } = await rawSocket(limits);
    const closed = new Promise<number>((resolve) => socket!.once('close', (code) => resolve(code)));
    socket!.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: `{ __typename }`, variables: { pad: 'x'.repeat(200 * 1024) } },
      }),
    );
    expect(await closed).toBe(1009);
  });
});

describe('costs', () => {
  it('refuses 12,000, 2,400 and 600 aliased `queue { version }` at once, and 100 of them for what they cost', async () => {
    const huge = await post(limits, { query: aliasedQueues(12_000) });
    expect([huge.status, huge.errors?.[0]?.extensions?.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    // 14,400 tokens: the parser stops at 10,000.
    const many = await post(limits, { query: aliasedQueues(2_400) });
    expect([many.status, many.errors?.[0]?.extensions?.code]).toEqual([400, 'GRAPHQL_PARSE_FAILED']);
    const fields = await post(limits, { query: aliasedQueues(600) });
    expect([fields.status, fields.errors?.[0]?.extensions?.code]).toEqual([400, 'TOO_MANY_FIELDS']);
    // 200 fields, complexity 200 before; now each queue is a transaction (50, and 2 for its values).
    const hundred = await post(limits, { query: aliasedQueues(100) });
    expect([hundred.status, hundred.errors?.[0]?.extensions?.code]).toEqual([400, 'QUERY_TOO_COMPLEX']);
    expect(hundred.errors?.[0]?.message).toMatch(/complexity 5200 exceeds the limit of 5000/);
    console.log(
      `[limits] refused in ${huge.ms.toFixed(0)} ms (12,000 queues, 253 KB), ${many.ms.toFixed(0)} ms (2,400), ${fields.ms.toFixed(0)} ms (600), ${hundred.ms.toFixed(0)} ms (100)`,
    );
    for (const r of [huge, many, fields, hundred]) expect(r.ms).toBeLessThan(2000);
    const allowed = await post(limits, { query: aliasedQueues(50) });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.q49.version).toEqual(expect.any(Number));
  });

  it('fails closed: an operation whose cost cannot be estimated is refused, never run', async () => {
    let inner = 'id';
    for (let i = 0; i < 60; i++) inner = `... on Show { ${inner} }`;
    let query = `{ shows { ...G11 } } fragment G1 on Show { ${inner} }`;
    for (let i = 2; i <= 11; i++) query += ` fragment G${i} on Show { ...G${i - 1} ...G${i - 1} }`;
    const r = await post(limits, { query });
    expect(r.status).toBe(400);
    expect(r.errors?.[0]?.extensions?.code).toBe('QUERY_COST_UNKNOWN');
    expect(r.data).toBeUndefined();
  });
});

describe('anonymous budget per address', () => {
  it('refuses an anonymous address that spent its budget, over HTTP and then WebSocket, with 429 and Retry-After; signed-in devices go on', async () => {
    // Signing in is itself an anonymous operation (it pays too): the tablet did it before the flood.
    const tablet = await metered.token('TABLET');
    let refused: Awaited<ReturnType<typeof post>> | undefined;
    let paid = 0;
    for (let i = 0; i < 400 && !refused; i++) {
      const r = await post(metered, { query: `{ queue { version } }` });
      if (r.status === 429) refused = r;
      else paid++;
    }
    // 5,000 points at 53 a request (52 of complexity, 1 KiB), plus the refill meanwhile.
    expect(paid).toBeGreaterThan(80);
    expect(paid).toBeLessThan(200);
    expect(refused!.errors?.[0]?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterSeconds: expect.any(Number),
    });
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    // The same address over WebSocket pays from the same bucket: refused per operation, socket open.
    // (Three queues cost 156, more than the bucket can have refilled since.)
    const anonymous = connect(metered);
    const err = (await subscribe(anonymous, aliasedQueues(3)).error()) as any[];
    expect(err[0].extensions.code).toBe('RATE_LIMITED');
    expect(err[0].extensions.retryAfterSeconds).toBeGreaterThanOrEqual(1);

    // The tablet, from the same address, is never charged.
    for (let i = 0; i < 5; i++) {
      const r = await post(metered, { query: `{ queue { version } }` }, tablet);
      expect(r.status).toBe(200);
      expect(r.data.queue.version).toEqual(expect.any(Number));
    }
    const signedIn = connect(metered, tablet);
    expect((await subscribe(signedIn, QUEUE, { s: meteredShowId }).nth(0)).queueChanged.version).toEqual(
      expect.any(Number),
    );
  });
});

describe('WebSocket', () => {
  it('caps subscriptions per socket at 50: the 51st is refused with TOO_MANY_SUBSCRIPTIONS, the socket stays', async () => {
    const ws = connect(limits);
    const subs = Array.from({ length: 50 }, () => subscribe(ws, QUEUE, { s: showId }));
    await Promise.all(subs.map((s) => s.nth(0)));
    const err = (await subscribe(ws, QUEUE, { s: showId }).error()) as any[];
    expect(err[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // Queries are not subscriptions: the socket still answers them.
    expect((await subscribe(ws, `{ __typename }`).nth(0)).__typename).toBe('Query');
    // Stopping one makes room.
    subs[0]!.stop();
    let again = subscribe(ws, QUEUE, { s: showId });
    for (let i = 0; i < 20; i++) {
      try {
        await again.nth(0, 500);
        break;
      } catch {
        again = subscribe(ws, QUEUE, { s: showId });
        await delay(50);
      }
    }
    expect((await again.nth(0)).queueChanged.version).toEqual(expect.any(Number));
    // Another socket has its own 50.
    expect((await subscribe(connect(limits), QUEUE, { s: showId }).nth(0)).queueChanged.version).toEqual(
      expect.any(Number),
    );
  });

  it('caps the sockets an address holds that are not signed in: more are refused at the upgrade with 429', async () => {
    const tablet = await capped.token('TABLET');
    // Signed-in sockets do not count once they have signed in.
    const devices = [connect(capped, tablet), connect(capped, tablet)];
    for (const d of devices) expect((await subscribe(d, `{ me { username } }`).nth(0)).me.username).toBe('mlbtablet');

    const held: WebSocket[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await rawSocket(capped);
      expect(r.refused, `socket ${i + 1}`).toBeUndefined();
      held.push(r.socket!);
    }
    expect((await rawSocket(capped)).refused).toBe(429);
    // The five held stay open and working.
    const answer = new Promise<any>((resolve) => held[4]!.once('message', (m) => resolve(JSON.parse(String(m)))));
    held[4]!.send(JSON.stringify({ id: 'q', type: 'subscribe', payload: { query: '{ __typename }' } }));
    expect((await answer).payload.data.__typename).toBe('Query');
    // One closes: one more may open.
    const gone = new Promise((resolve) => held[0]!.once('close', resolve));
    held[0]!.close();
    await gone;
    let reopened: Awaited<ReturnType<typeof rawSocket>> = {};
    for (let i = 0; i < 20; i++) {
      reopened = await rawSocket(capped);
      if (!reopened.refused) break;
      await delay(50);
    }
    expect(reopened.refused).toBeUndefined();
    for (const s of [...held, reopened.socket!]) s.close();
  });
});
