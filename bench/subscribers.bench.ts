// Live fan-out: N subscribers (a separate process, real WebSockets) on one show's queueChanged
// while a driver queues players one at a time; latency from each mutation's HTTP response to each
// subscriber's message, with the server's CPU, memory and event-loop delay. Baseline: a bare `ws`
// server sending the same JSON to the same number of sockets.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { percentile, type BenchModule, type BenchRow } from './section.js';
import { processCpuSeconds, ROOT, startBenchServer, type BenchServer } from './server.js';

const LEVELS = (process.env.BENCH_SUBSCRIBERS ?? '1000,10000').split(',').map(Number);
const MUTATIONS = Number(process.env.BENCH_SUBSCRIBER_MUTATIONS ?? 15);
const GAP_MS = 100;
/** Sockets per subscriber process: enough processes that none of them is the bottleneck. */
const PER_PROCESS = Number(process.env.BENCH_SOCKETS_PER_PROCESS ?? 2500);
/** Games played to the end per second on another show while the boards are measured again. */
const BUSY_GAMES_PER_SECOND = Number(process.env.BENCH_BUSY_GAMES_PER_SECOND ?? 4);
const now = () => performance.timeOrigin + performance.now();
const log = (msg: string) => console.error(`[subscribers] ${msg}`);
const r1 = (n: number) => (Number.isFinite(n) ? Number(n.toFixed(1)) : null);

// What the booth board asks for.
const BOARD = `subscription Board($s: ID) {
  queueChanged(showId: $s) {
    version show { id name date }
    playing { ...G } confirmed { ...G } recalled { ...G }
    waiting { position estimatedWaitSeconds game { ...G } }
  }
}
fragment G on Game { id state recalledAt player { firstName lastName team { name color } } }`;

interface Client {
  child: ChildProcess;
  next<T = any>(pred: (m: any) => boolean, timeoutMs?: number): Promise<T>;
}

/** The subscriber process, with a file-descriptor limit raised for 10,000 sockets. */
function startClient(): Promise<Client> {
  const script = path.join(ROOT, 'bench', 'subscribers.client.ts');
  const child = spawn(
    'sh',
    [
      '-c',
      `ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec "${process.execPath}" --import tsx "${script}"`,
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return wrap(child);
}

function wrap(child: ChildProcess): Promise<Client> {
  const inbox: any[] = [];
  const waiters = new Set<() => void>();
  child.on('message', (m: any) => {
    if (m.error) log(`client: ${m.error}`);
    inbox.push(m);
    waiters.forEach((w) => w());
  });
  const next: Client['next'] = (pred, timeoutMs = 120_000) =>
    new Promise((resolve, reject) => {
      const check = () => {
        const i = inbox.findIndex(pred);
        if (i < 0) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(inbox.splice(i, 1)[0]);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error('subscriber process did not answer in time'));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  return next((m) => m.started).then(() => ({ child, next }));
}

function memory(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

/** Event-loop delay since the last scrape (prom-client's monitorEventLoopDelay, reset per scrape). */
async function eventLoop(server: BenchServer): Promise<{ p99: number; max: number }> {
  const text = await (await fetch(`${server.metricsUrl}/metrics`)).text();
  const v = (name: string) =>
    Number(new RegExp(`^mlb_nodejs_eventloop_lag_${name}_seconds (\\S+)$`, 'm').exec(text)?.[1] ?? NaN) * 1000;
  return { p99: v('p99'), max: v('max') };
}

function summarize(all: number[]) {
  const lost = all.filter((x) => !Number.isFinite(x)).length;
  // A NOTIFY can beat the HTTP response to the driver; such deliveries count as 0 ms.
  const sorted = all
    .filter(Number.isFinite)
    .map((x) => Math.max(0, x))
    .sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? NaN,
    lost,
  };
}

/** `n` sockets spread over as many subscriber processes as PER_PROCESS asks; resolves once all are subscribed. */
async function connectClients(n: number, connect: Record<string, unknown>): Promise<Client[]> {
  const count = Math.max(1, Math.ceil(n / PER_PROCESS));
  const clients = await Promise.all(Array.from({ length: count }, () => startClient()));
  clients.forEach((c, i) => c.child.send({ ...connect, n: Math.floor(n / count) + (i < n % count ? 1 : 0) }));
  await Promise.all(clients.map((c) => c.next((m) => m.ready, 300_000)));
  return clients;
}

const closeClients = (clients: Client[]) => clients.forEach((c) => c.child.send({ cmd: 'close' }));

/** Each subscriber process's CPU over the measured phase, as a share of one core. */
function clientCpu(clients: Client[]): () => number[] {
  const start = clients.map((c) => processCpuSeconds(c.child.pid!));
  const w0 = now();
  return () => {
    const wallS = (now() - w0) / 1000;
    return clients.map((c, i) => Math.round(((processCpuSeconds(c.child.pid!) - start[i]!) / wallS) * 100));
  };
}

async function measure(clients: Client[], mutations: number, trigger: (k: number) => Promise<void>): Promise<number[]> {
  const all: number[] = [];
  for (let k = 1; k <= mutations; k++) {
    await trigger(k);
    const t0 = now();
    for (const c of clients) c.child.send({ cmd: 'expect', j: k, t0 });
    for (const done of await Promise.all(clients.map((c) => c.next((m) => m.done === k, 30_000))))
      all.push(...(done.latencies as number[]).map((x) => (x === null ? NaN : x)));
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  return all;
}

/**
 * Plays games from sign-up to completion on a show of their own at `perSecond`, each with a mobile
 * number, so every completion renders a souvenir and texts it. `stop` waits for the souvenirs.
 */
async function playGamesInBackground(server: BenchServer, perSecond: number) {
  const [admin, tablet, vr] = await Promise.all([
    server.token('ADMIN'),
    server.token('TABLET'),
    server.token('VR_GAME'),
  ]);
  const ask = async (query: string, variables: Record<string, unknown>, token: string) => {
    const r = await server.gql(query, variables, token);
    if (!r.data) throw new Error(JSON.stringify(r.errors));
    return r.data;
  };
  const show = await ask(
    `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
    {
      i: {
        name: 'Busy Night',
        date: new Date().toISOString().slice(0, 10),
        welcomeMessage: 'Welcome {firstName}!',
        recallMessage: 'Your turn, {firstName}',
        souvenirMessage: 'Your souvenir: {url}',
      },
    },
    admin,
  );
  const showId = show.createShow.id as string;
  let stopped = false;
  let games = 0;
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const playOne = async (i: number) => {
    try {
      const signed = await ask(
        `mutation($i: SignUpInput!) { signUp(input: $i) { activeGame { id } } }`,
        {
          i: {
            firstName: `Busy${i}`,
            lastName: 'Fan',
            handedness: 'RIGHT',
            showId,
            mobileNumber: `+1 415 555 ${1000 + i}`,
          },
        },
        tablet,
      );
      const id = signed.signUp.activeGame.id as string;
      for (const [op, token] of [
        ['queueGame', tablet],
        ['confirmGame', tablet],
        ['playGame', vr],
      ] as const)
        await ask(`mutation($id: ID!) { ${op}(id: $id) { id } }`, { id }, token);
      await ask(
        `mutation($id: ID!, $r: GameResultInput!) { completeGame(id: $id, result: $r) { id } }`,
        { id, r: { score: 1000 + i, distance: 300 + (i % 150), homeruns: i % 12 } },
        vr,
      );
      games++;
    } catch (err) {
      errors++;
      log(`background game ${i}: ${String(err).slice(0, 200)}`);
    }
  };
  const pacing = (async () => {
    for (let i = 0; !stopped; i++) {
      const p = playOne(i).finally(() => inFlight.delete(p));
      inFlight.add(p);
      await new Promise((r) => setTimeout(r, 1000 / perSecond));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await pacing;
      await Promise.all(inFlight);
      const sql = postgres(server.database.url, { max: 1, onnotice: () => {} });
      const [row] = await sql<{ n: number }[]>`select count(*)::int as n from games
        where show_id = ${showId} and souvenir_key is not null`;
      await sql.end();
      return { games, errors, souvenirs: row!.n };
    },
  };
}

const subscribersBench: BenchModule = async () => {
  // Every simulated board connects anonymously from 127.0.0.1: lift the per-address limits, which
  // would otherwise (rightly) refuse the 201st socket and most of 10,000 subscriptions a second.
  const server = await startBenchServer({
    label: 'subscribers',
    // API and workers in one process, as `npm start` runs them: completed games render souvenirs here.
    role: 'all',
    env: { RECALL_DISABLE: 'true', MAX_SOCKETS_PER_ADDRESS: '0', ANONYMOUS_COST_PER_SECOND: '0' },
  });
  const rows: BenchRow[] = [];
  const goals: string[] = [];
  const notes: string[] = [];
  try {
    const tablet = await server.token('TABLET');
    const showId = (await server.gql(`{ currentShow { id } }`)).data.currentShow.id as string;
    // A new game for fan i of a batch; each batch has its own last name, since the same names seconds
    // apart are one double tap, and few digits per name, since seven would read as a phone number.
    const signUp = async (batch: string, i: number, handedness = 'LEFT'): Promise<string> => {
      const team = i % 2 ? 'Red Sox' : 'Blue Jays';
      const r = await server.gql(
        `mutation($i: SignUpInput!) { signUp(input: $i) { activeGame { id } } }`,
        { i: { firstName: `Fan${i}`, lastName: `Bench ${batch}`, handedness, team } },
        tablet,
      );
      if (!r.data) throw new Error(`signUp failed: ${JSON.stringify(r.errors)}`);
      return r.data.signUp.activeGame.id;
    };
    const gameIds: string[] = [];
    for (let i = 0; i < MUTATIONS; i++) gameIds.push(await signUp('Start', i, 'RIGHT'));
    const mutate = async (name: string, id: string) => {
      const r = await server.gql(`mutation($id: ID!) { ${name}(id: $id) { id } }`, { id }, tablet);
      if (!r.data) throw new Error(`${name} failed: ${JSON.stringify(r.errors)}`);
    };

    /** `n` boards on the show while the driver queues its games one at a time: the row and its figures. */
    const measureBoards = async (n: number, name: string) => {
      log(`${name}: connecting`);
      const before = memory(server.pid);
      const t0 = Date.now();
      const clients = await connectClients(n, {
        cmd: 'connect',
        url: `${server.url.replace('http', 'ws')}/graphql`,
        protocol: 'graphql',
        query: BOARD,
        variables: { s: showId },
      });
      const connectS = (Date.now() - t0) / 1000;
      const idle = memory(server.pid);
      await eventLoop(server);
      const cpu0 = server.cpuSeconds();
      const clientsCpu = clientCpu(clients);
      const w0 = now();
      log(
        `${n} subscribers on ${clients.length} process(es) connected in ${connectS.toFixed(1)} s; ${2 * MUTATIONS} mutations`,
      );
      // Each game is queued, then each is cancelled: every move changes the board, which grows to
      // MUTATIONS players and empties again. Twice the samples for the same board size.
      const lat = await measure(clients, 2 * MUTATIONS, (k) =>
        k <= MUTATIONS ? mutate('queueGame', gameIds[k - 1]!) : mutate('cancelGame', gameIds[k - 1 - MUTATIONS]!),
      );
      const wallS = (now() - w0) / 1000;
      const cpu = server.cpuSeconds() - cpu0;
      const subscriberCpu = clientsCpu();
      const loop = await eventLoop(server);
      const mem = memory(server.pid);
      const s = summarize(lat);
      rows.push({
        name,
        'p50 ms': r1(s.p50),
        'p95 ms': r1(s.p95),
        'p99 ms': r1(s.p99),
        'max ms': r1(s.max),
        lost: s.lost,
        'server CPU %': Math.round((cpu / wallS) * 100),
        'subscriber processes CPU %': subscriberCpu.join(' / '),
        'RSS before MB': Math.round(before.rssMb),
        'RSS MB': Math.round(mem.rssMb),
        'peak RSS MB': Math.round(mem.peakMb),
        'loop p99 ms': r1(loop.p99),
        'loop max ms': r1(loop.max),
        'connect s': r1(connectS),
      });
      closeClients(clients);
      return { s, mem, idle, clients: clients.length, subscriberCpu };
    };
    const idleP99 = new Map<number, number>();

    for (const n of LEVELS) {
      const { s, mem, idle, clients, subscriberCpu } = await measureBoards(n, `graphql-ws, ${n} subscribers`);
      idleP99.set(n, s.p99);
      if (n === 1000)
        goals.push(`1,000 subscribers p99 < 100 ms: ${s.p99 < 100 ? 'met' : 'NOT met'} (${r1(s.p99)} ms)`);
      if (n === 10000) {
        goals.push(
          `issue 17 goal 5 — 10,000 subscribers p95 < 500 ms: ${s.p95 < 500 ? 'met' : 'NOT met'} (${r1(s.p95)} ms)`,
        );
        goals.push(
          `issue 17 goal 5 — server RSS < 450 MB at 10,000 subscribers: ${mem.peakMb < 450 ? 'met' : 'NOT met'} (peak ${Math.round(mem.peakMb)} MB, idle-connected ${Math.round(idle.rssMb)} MB)`,
        );
        // A saturated subscriber process would add its own queueing to the latencies measured.
        const busiest = Math.max(...subscriberCpu);
        goals.push(
          `issue 17 goal 5 — subscriber processes not saturated at 10,000 (each < 80 % of a core): ${busiest < 80 ? 'met' : 'NOT met'} (${clients} processes, ${subscriberCpu.join(' / ')} %)`,
        );
      }
      // Fresh NEW games for the next level (cancelled ones cannot be queued again).
      for (let i = 0; i < MUTATIONS; i++) gameIds[i] = await signUp(`Level ${n}`, i);
      // Same JSON for the baseline: the board's snapshot with a full queue.
      for (const id of gameIds) await mutate('queueGame', id);
      const snapshot = await server.gql(
        BOARD.replace(
          'subscription Board($s: ID) {\n  queueChanged(showId: $s)',
          'query Board($s: ID) {\n  queue(showId: $s)',
        ),
        { s: showId },
      );
      const json = JSON.stringify({ id: '1', type: 'next', payload: { data: { queueChanged: snapshot.data.queue } } });
      for (const id of gameIds) await mutate('cancelGame', id);
      for (let i = 0; i < MUTATIONS; i++) gameIds[i] = await signUp(`Bare ${n}`, i);

      log(`${n} bare ws sockets (baseline, ${json.length} B per message)`);
      const bare = fork(path.join(ROOT, 'bench', 'subscribers.broadcast.ts'), [], {
        execArgv: ['--import', 'tsx'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const port = await new Promise<number>((resolve) => bare.once('message', (m: any) => resolve(m.port)));
      bare.send({ cmd: 'payload', json });
      const bclients = await connectClients(n, { cmd: 'connect', url: `ws://127.0.0.1:${port}`, protocol: 'bare' });
      const bcpu0 = processCpuSeconds(bare.pid!);
      const bclientsCpu = clientCpu(bclients);
      const bw0 = now();
      const blat = await measure(bclients, 2 * MUTATIONS, async () => void bare.send({ cmd: 'broadcast' }));
      const bs = summarize(blat);
      const bmem = memory(bare.pid!);
      rows.push({
        name: `bare ws, ${n} sockets`,
        'p50 ms': r1(bs.p50),
        'p95 ms': r1(bs.p95),
        'p99 ms': r1(bs.p99),
        'max ms': r1(bs.max),
        lost: bs.lost,
        'server CPU %': Math.round(((processCpuSeconds(bare.pid!) - bcpu0) / ((now() - bw0) / 1000)) * 100),
        'subscriber processes CPU %': bclientsCpu().join(' / '),
        'RSS MB': Math.round(bmem.rssMb),
        'peak RSS MB': Math.round(bmem.peakMb),
      });
      closeClients(bclients);
      bare.send({ cmd: 'close' });
      if (n === LEVELS.at(-1))
        notes.push(
          `Message size ${json.length} bytes (the board's query, ${MUTATIONS} players waiting); one mutation at a time, ${GAP_MS} ms after the previous one was delivered everywhere: each of ${MUTATIONS} games queued, then each cancelled (the board grows to ${MUTATIONS} players and empties again).`,
        );
    }
    // The same boards again while games complete on another show: each completion renders a souvenir
    // and texts it (the log sender), in this process, as on the nuc.
    const n = LEVELS[0]!;
    for (let i = 0; i < MUTATIONS; i++) gameIds[i] = await signUp('Busy', i);
    const busy = await playGamesInBackground(server, BUSY_GAMES_PER_SECOND);
    const { s: loaded } = await measureBoards(
      n,
      `graphql-ws, ${n} subscribers, ${BUSY_GAMES_PER_SECOND} games/s completing`,
    );
    const played = await busy.stop();
    const idle = idleP99.get(n)!;
    goals.push(
      `issue 17 goal 2 — ${n.toLocaleString('en-US')} subscribers while games complete: p99 within 1.2× of idle: ${loaded.p99 <= idle * 1.2 ? 'met' : 'NOT met'} (${r1(loaded.p99)} vs ${r1(idle)} ms, ${r1(loaded.p99 / idle)}×)`,
    );
    notes.push(
      `Games completing: ${played.games} games played to the end (${played.souvenirs} souvenirs rendered, ${played.errors} errors) during the loaded row, on a show of their own; souvenirs render on RENDER_THREADS worker threads.`,
    );
    notes.push(
      `Latency: from the driver receiving the mutation response to each socket receiving its message (all processes read the same clock); the server, the subscriber processes (one per ${PER_PROCESS} sockets, BENCH_SOCKETS_PER_PROCESS) and Postgres share the machine.`,
    );
    notes.push(
      "Event-loop delay: the server's monitorEventLoopDelay (via /metrics) over the measured phase; CPU: process time / wall time, per process.",
    );
    return { title: 'Live fan-out: queueChanged subscribers over graphql-ws', rows, goals, notes };
  } finally {
    await server.stop();
  }
};

export default subscribersBench;
