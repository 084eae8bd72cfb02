// The subscriber side of bench/subscribers.bench.ts, run as a separate process so the server's
// event loop and the clients' do not mix: N WebSockets on one subscription (graphql-transport-ws),
// or on a bare broadcast server (baseline). It records when each socket receives each message and
// answers the driver's questions over IPC. Work per message is kept tiny (no JSON.parse).
import WebSocket from 'ws';

type Cmd =
  | {
      cmd: 'connect';
      url: string;
      n: number;
      protocol: 'graphql' | 'bare';
      query?: string;
      variables?: Record<string, unknown>;
    }
  | { cmd: 'expect'; j: number; t0: number }
  | { cmd: 'close' };

const now = () => performance.timeOrigin + performance.now();
const CONNECT_CONCURRENCY = 200;

let sockets: WebSocket[] = [];
/** arrivals[j][i]: when socket i received its message j (j = 0 is the first snapshot). */
const arrivals: Float64Array[] = [];
const received: number[] = [];
let n = 0;
const waits = new Map<number, { t0: number }>();
const send = (msg: unknown) => process.send!(msg);

function record(i: number, count: number[]) {
  const j = count[i]!++;
  (arrivals[j] ??= new Float64Array(n).fill(NaN))[i] = now();
  received[j] = (received[j] ?? 0) + 1;
  if (j === 0 && received[0] === n) send({ ready: n });
  check(j);
}

function check(j: number) {
  const w = waits.get(j);
  if (!w || (received[j] ?? 0) < n) return;
  waits.delete(j);
  clearTimeout(timeouts.get(j));
  const lat = Array.from(arrivals[j]!, (t) => t - w.t0);
  send({ done: j, latencies: lat });
}
const timeouts = new Map<number, NodeJS.Timeout>();

async function connect(c: Extract<Cmd, { cmd: 'connect' }>) {
  n = c.n;
  const count = new Array<number>(n).fill(0);
  let next = 0;
  let failed = 0;
  const openOne = (i: number) =>
    new Promise<void>((resolve) => {
      const ws = c.protocol === 'graphql' ? new WebSocket(c.url, 'graphql-transport-ws') : new WebSocket(c.url);
      sockets[i] = ws;
      ws.on('error', () => {
        failed++;
        resolve();
      });
      ws.on('open', () => {
        if (c.protocol === 'graphql') ws.send('{"type":"connection_init","payload":{}}');
        else resolve();
      });
      ws.on('message', (data: Buffer) => {
        if (c.protocol === 'bare') return record(i, count);
        // Only the first bytes tell the message type; the payload is not parsed.
        const head = data.subarray(0, 40).toString();
        if (head.includes('"next"')) return record(i, count);
        if (head.includes('connection_ack')) {
          ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: c.query, variables: c.variables } }));
          resolve();
        } else if (head.includes('"ping"')) ws.send('{"type":"pong"}');
        else if (head.includes('"error"')) send({ error: data.toString().slice(0, 500) });
      });
    });
  const workers = Array.from({ length: CONNECT_CONCURRENCY }, async () => {
    while (next < n) await openOne(next++);
  });
  await Promise.all(workers);
  if (failed) send({ error: `${failed} of ${n} sockets failed to connect` });
}

process.on('message', (m: Cmd) => {
  if (m.cmd === 'connect') void connect(m);
  else if (m.cmd === 'expect') {
    waits.set(m.j, { t0: m.t0 });
    timeouts.set(
      m.j,
      setTimeout(() => {
        // Report what arrived; missing deliveries count as NaN (lost).
        const w = waits.get(m.j);
        if (!w) return;
        waits.delete(m.j);
        send({
          done: m.j,
          latencies: Array.from(arrivals[m.j] ?? new Float64Array(n).fill(NaN), (t) => t - w.t0),
          timedOut: true,
        });
      }, 15_000),
    );
    check(m.j);
  } else if (m.cmd === 'close') {
    for (const ws of sockets) ws.terminate();
    sockets = [];
    process.exit(0);
  }
});
send({ started: true });
