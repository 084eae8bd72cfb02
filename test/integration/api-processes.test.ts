// API_PROCESSES=2, run as `npm start` runs it: the primary forks two API processes that share the
// port. Connections reach both (each answer names its process in X-Api-Process), a subscription
// held by one process hears a change made through the other (both LISTEN to Postgres), the
// primary's /metrics adds up both processes' figures, and SIGTERM to the primary stops every process.
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/db/embedded.js';
import { createTestDatabase } from '../helpers/db.js';
import { createShowAt, loginAs, startServerProcess, stopServerProcess } from '../helpers/server-process.js';
import { testEnv } from '../helpers/server.js';
import { connectWs, subscribe } from '../helpers/ws.js';

const db = await createTestDatabase();
const metricsPort = await freePort();
const server = await startServerProcess(
  testEnv(db.url, { API_PROCESSES: '2', RECALL_DISABLE: 'true', METRICS_PORT: String(metricsPort) }),
);
afterAll(async () => {
  await stopServerProcess(server);
  await db.drop();
});

interface Answer {
  pid: string;
  status: number;
  body: any;
}

/** One request on `agent` (a connection of its own with `agent: false`). */
function request(agent: http.Agent | false, method: string, path: string, body?: unknown, token?: string) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      `${server.url}${path}`,
      {
        method,
        agent,
        headers: {
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d));
        res.on('end', () =>
          resolve({ pid: String(res.headers['x-api-process']), status: res.statusCode!, body: JSON.parse(text) }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A kept-alive connection that the primary gave to the API process `pid`. */
async function connectionTo(pid: string): Promise<http.Agent> {
  for (let i = 0; i < 20; i++) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    if ((await request(agent, 'GET', '/healthz')).pid === pid) return agent;
    agent.destroy();
  }
  throw new Error(`no connection reached API process ${pid}`);
}

const gql = (agent: http.Agent | false, query: string, variables: Record<string, unknown>, token: string) =>
  request(agent, 'POST', '/graphql', { query, variables }, token);

let pids: string[] = [];

async function metrics(): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

describe('API_PROCESSES=2', () => {
  it('serves from two processes, connections spread over both', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const r = await request(false, 'GET', '/healthz');
      expect(r.status).toBe(200);
      expect(r.pid).toMatch(/^\d+$/);
      seen.add(r.pid);
    }
    pids = [...seen];
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(String(server.proc.pid));
    expect(server.output()).toContain('(2 API processes)');
  });

  it('delivers a change made through one process to a subscription held by the other', async () => {
    const admin = await loginAs(server.url, 'user');
    const tablet = await loginAs(server.url, 'mlbtablet');
    const showId = await createShowAt(server.url, admin, 'Two Processes Derby');
    const signed = await gql(
      false,
      `mutation($i: SignUpInput!) { signUp(input: $i) { activeGame { id } } }`,
      { i: { firstName: 'Split', handedness: 'LEFT', showId } },
      tablet,
    );
    const gameId = signed.body.data.signUp.activeGame.id as string;

    const ws = connectWs(server.url, tablet);
    try {
      const sub = subscribe(ws, `subscription($id: ID!) { gameChanged(id: $id) { id state } }`, { id: gameId });
      expect((await sub.nth(0)).gameChanged.state).toBe('NEW');
      // One move through each process: whichever holds the socket, one move came through the other.
      const [first, second] = await Promise.all(pids.map(connectionTo));
      const move = (agent: http.Agent, name: string) =>
        gql(agent, `mutation($id: ID!) { ${name}(id: $id) { state } }`, { id: gameId }, tablet);
      const queued = await move(first!, 'queueGame');
      expect([queued.pid, queued.body.data.queueGame.state]).toEqual([pids[0], 'QUEUED']);
      await sub.until((m) => m.gameChanged.state === 'QUEUED');
      const confirmed = await move(second!, 'confirmGame');
      expect([confirmed.pid, confirmed.body.data.confirmGame.state]).toEqual([pids[1], 'CONFIRMED']);
      await sub.until((m) => m.gameChanged.state === 'CONFIRMED');
      first!.destroy();
      second!.destroy();
    } finally {
      await ws.dispose();
    }
  });

  it("serves one /metrics for the cluster: the API processes' figures summed, the database's read once", async () => {
    const before = await metrics();
    const n = 6;
    const answeredBy = new Set<string>();
    for (let i = 0; i < n; i++)
      answeredBy.add((await request(false, 'POST', '/graphql', { query: '{ shows { id } }' })).pid);
    expect(answeredBy.size).toBe(2);
    const after = await metrics();
    const requests = (text: string) =>
      [...text.matchAll(/^mlb_graphql_requests_total\{operation="shows",type="query",outcome="ok"\} (\d+)/gm)].reduce(
        (sum, m) => sum + Number(m[1]),
        0,
      );
    // Both processes answered some of them; the primary adds them up.
    expect(requests(after) - requests(before)).toBe(n);
    expect(after).toMatch(/^mlb_live_listener_up 1$/m);
    expect(after.match(/^mlb_db_up\{database="primary"\} 1$/gm)).toHaveLength(1);
  });

  it('stops the primary and every API process on SIGTERM', async () => {
    await stopServerProcess(server, 20_000);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const alive = (pid: string) => {
      try {
        process.kill(Number(pid), 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(pids.filter(alive)).toEqual([]);
  });
});
