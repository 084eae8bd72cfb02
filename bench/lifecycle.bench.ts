// Lifecycle throughput: virtual tablets and VR rigs run signUp → queueGame → confirmGame →
// playGame → completeGame over HTTP against the real server (its own process and database), then
// pgbench runs the same transactions as plain SQL: the physical limit we are compared with.
import path from 'node:path';
import postgres from 'postgres';
import { describeProfile, newestProfile, summarizeProfile } from './cpu-profile.js';
import { GqlClient, runClosedLoop, summarize, type GqlCall } from './http-load.js';
import { findPgbench, runPgbench, transactionAverages } from './pgbench.js';
import type { BenchModule, BenchRow } from './section.js';
import {
  checkpoint,
  createBenchDatabase,
  postgresCpuDelta,
  postgresCpuSample,
  ROOT,
  startBenchServer,
} from './server.js';

const LEVELS = (process.env.BENCH_LIFECYCLE_CLIENTS ?? '2,16,64').split(',').map(Number);
// API_PROCESSES of the server: every level with the first, the goal's level with the others.
const PROCESSES = (process.env.BENCH_LIFECYCLE_PROCESSES ?? '1,2').split(',').map(Number);
const DURATION_S = Number(process.env.BENCH_DURATION_SECONDS ?? 10);
// Goal 2 compares rows of two server processes. On a shared 2-core machine one row can be a quarter
// off the next with the same code, so the comparison is made this many times, alternating, and the
// median of the ratios is the goal's figure.
const PAIRS = Math.max(1, Number(process.env.BENCH_LIFECYCLE_PAIRS ?? 3));
const WARMUP_S = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const GOAL_CLIENTS = 16;
const OPS = ['signUp', 'queueGame', 'confirmGame', 'playGame', 'completeGame'] as const;
const SCRIPT = path.join(ROOT, 'bench', 'pgbench', 'lifecycle.sql');

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id activeGame { id } } }`;
const move = (name: string) => `mutation($id: ID!) { ${name}(id: $id) { id state } }`;
const COMPLETE = `mutation($id: ID!, $result: GameResultInput!) { completeGame(id: $id, result: $result) { id state score } }`;

const log = (msg: string) => console.error(`[lifecycle] ${msg}`);
let chains = 0;
const round = (n: number, d = 1) => (Number.isFinite(n) ? Number(n.toFixed(d)) : null);
const pct = (cpuS: number, wallS: number) => (Number.isFinite(cpuS) ? Math.round((cpuS / wallS) * 100) : '?');

interface Measured {
  mps: number;
  p99: number;
  errors: number;
}

async function graphqlLevels(
  rows: BenchRow[],
  notes: string[],
  processes: number,
  levels: number[],
  role: 'api' | 'all' = 'api',
  pair?: number,
): Promise<Map<number, Measured>> {
  // Profiled with one process only (a cluster would write one profile per process), first pair only.
  const cpuProfDir = processes === 1 && (pair ?? 1) === 1 ? process.env.BENCH_CPU_PROF : undefined;
  const server = await startBenchServer({
    label: 'lifecycle',
    role,
    cpuProfDir,
    env: { API_PROCESSES: String(processes) },
  });
  const byLevel = new Map<number, Measured>();
  const label = (clients: number) =>
    `GraphQL ${clients} clients${processes > 1 ? `, ${processes} API processes` : ''}${role === 'all' ? ', API + workers (npm start)' : ''}${pair && PAIRS > 1 ? `, pair ${pair}` : ''}`;
  try {
    const tablet = await server.token('TABLET');
    const vr = await server.token('VR_GAME');
    for (const clients of levels) {
      log(`${label(clients)}: ${WARMUP_S} s warm-up + ${DURATION_S} s`);
      await checkpoint();
      const http = new GqlClient(server.url, clients);
      let before: { server: number; pg: Map<number, number>; client: NodeJS.CpuUsage } | undefined;
      const result = await runClosedLoop({
        clients,
        warmupS: WARMUP_S,
        durationS: DURATION_S,
        client: http,
        onMeasureStart: () => {
          before = { server: server.cpuSeconds(), pg: new Map(), client: process.cpuUsage() };
          void postgresCpuSample().then((s) => (before!.pg = s));
        },
        chain: async (step, i) => {
          const input = {
            firstName: `Bench${i}`,
            lastName: 'Player',
            handedness: i % 2 ? 'LEFT' : 'RIGHT',
            signedWaiver: true,
            // A number of its own per chain: the same names and number seconds apart are one double tap.
            mobileNumber: `+1 415 555 ${2000 + (chains++ % 8000)}`,
          };
          const call = (op: string, query: string, variables: Record<string, unknown>, token: string): GqlCall => ({
            op,
            query,
            variables,
            token,
          });
          const signed = await step(call('signUp', SIGN_UP, { input }, tablet));
          const id = signed.signUp.activeGame.id;
          await step(call('queueGame', move('queueGame'), { id }, tablet));
          await step(call('confirmGame', move('confirmGame'), { id }, tablet));
          await step(call('playGame', move('playGame'), { id }, vr));
          const result = {
            score: Math.floor(Math.random() * 5000),
            distance: Math.floor(Math.random() * 500),
            homeruns: Math.floor(Math.random() * 20),
          };
          await step(call('completeGame', COMPLETE, { id, result }, vr));
        },
      });
      const cpu = {
        server: server.cpuSeconds() - before!.server,
        pg: postgresCpuDelta(before!.pg, await postgresCpuSample()),
        client: (() => {
          const u = process.cpuUsage(before!.client);
          return (u.user + u.system) / 1e6;
        })(),
      };
      http.close();
      const ok = result.samples.filter((s) => s.ok);
      const all = summarize(ok.map((s) => s.ms));
      const chain = summarize(result.chainMs);
      const mps = ok.length / result.seconds;
      byLevel.set(clients, { mps, p99: all.p99, errors: result.samples.length - ok.length });
      const row: BenchRow = {
        name: label(clients),
        'mutations/s': round(mps),
        // A chain counts when its completeGame answers in the window (long chains straddle its edges).
        'chains/s': round(ok.filter((x) => x.op === 'completeGame').length / result.seconds),
        'ours/pgbench': null,
        'p50 ms': round(all.p50, 2),
        'p99 ms': round(all.p99, 2),
      };
      for (const op of OPS) {
        const s = summarize(ok.filter((x) => x.op === op).map((x) => x.ms));
        row[`${op} p50/p99`] = `${round(s.p50, 1)}/${round(s.p99, 1)}`;
      }
      row['chain p50/p99 ms'] = `${round(chain.p50)}/${round(chain.p99)}`;
      row.errors = result.samples.length - ok.length;
      row['CPU server/pg/client %'] =
        `${pct(cpu.server, result.seconds)}/${pct(cpu.pg, result.seconds)}/${pct(cpu.client, result.seconds)}`;
      // Less sensitive to whatever else runs on the machine than the rate: what one mutation costs.
      row['server CPU ms/mutation'] = ok.length ? round((cpu.server / ok.length) * 1000, 2) : null;
      rows.push(row);
      for (const [msg, n] of result.errors) notes.push(`${label(clients)}: ${n} × ${msg}`);
      log(
        `${label(clients)}: ${row['mutations/s']} mutations/s, p50 ${row['p50 ms']} ms, p99 ${row['p99 ms']} ms, ${row.errors} errors, server CPU ${row['CPU server/pg/client %']} %`,
      );
      if (role === 'all') notes.push(`${label(clients)}: ${await workDone(server.database.url)}`);
    }
  } finally {
    await server.stop();
  }
  if (cpuProfDir) {
    const file = newestProfile(cpuProfDir);
    if (file)
      notes.push(
        ...describeProfile(summarizeProfile(file)),
        `profile file: ${path.basename(file)} (all levels together)`,
      );
  }
  return byLevel;
}

/** What the workers of an npm start row did while the load ran (warm-up included): they are not idle. */
async function workDone(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [games] = await sql<{ completed: number; souvenirs: number }[]>`
      select count(*) filter (where state = 'COMPLETED')::int as completed,
             count(*) filter (where souvenir_url is not null)::int as souvenirs from games`;
    const texts = await sql<{ status: string; n: number }[]>`
      select status::text, count(*)::int as n from messages group by status order by status`;
    return `in the run the workers rendered ${games!.souvenirs} souvenirs of ${games!.completed} completed games and settled texts: ${texts.map((t) => `${t.n} ${t.status}`).join(', ')}`;
  } finally {
    await sql.end();
  }
}

async function pgbenchLevels(rows: BenchRow[], notes: string[]): Promise<Map<number, number>> {
  const byLevel = new Map<number, number>();
  const bin = findPgbench();
  if (!bin) {
    notes.push('pgbench not found (set PGBENCH or install postgresql-client): the SQL baseline was skipped');
    return byLevel;
  }
  const db = await createBenchDatabase('lifecycle_pgbench');
  try {
    log(`pgbench: warm-up, 16 clients, ${WARMUP_S} s`);
    await runPgbench({ bin, url: db.url, script: SCRIPT, clients: 16, threads: 2, seconds: Math.max(1, WARMUP_S) });
    for (const clients of LEVELS) {
      log(`pgbench: ${clients} clients, ${DURATION_S} s`);
      await checkpoint();
      const started = performance.now();
      const running = runPgbench({ bin, url: db.url, script: SCRIPT, clients, threads: 2, seconds: DURATION_S });
      // pgbench's backends exit with it, so Postgres CPU is sampled while it runs: from 1 s in to 0.5 s before the end.
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      await sleep(1000);
      const pgFrom = { at: performance.now(), cpu: await postgresCpuSample() };
      await sleep(Math.max(0, (DURATION_S - 1.5) * 1000));
      const pgCpu = postgresCpuDelta(pgFrom.cpu, await postgresCpuSample());
      const pgWall = (performance.now() - pgFrom.at) / 1000;
      const r = await running;
      const wall = (performance.now() - started) / 1000;
      const chain = summarize(r.runMs);
      const mps = r.tps * OPS.length;
      byLevel.set(clients, mps);
      const row: BenchRow = {
        name: `pgbench ${clients} clients`,
        'mutations/s': round(mps),
        'chains/s': round(r.tps),
        'ours/pgbench': null,
        'p50 ms': null,
        'p99 ms': null,
      };
      transactionAverages(r.statements).forEach((ms, i) => {
        if (OPS[i]) row[`${OPS[i]} p50/p99`] = `avg ${round(ms, 1)}`;
      });
      row['chain p50/p99 ms'] = `${round(chain.p50)}/${round(chain.p99)}`;
      row.errors = r.failed;
      row['CPU server/pg/client %'] = `-/${pct(pgCpu, pgWall)}/-`;
      rows.push(row);
      notes.push(`pgbench ${clients} clients: ${r.processed} chains in ${round(wall)} s wall (${r.version})`);
      log(
        `pgbench ${clients} clients: ${round(mps)} mutations/s (${round(r.tps)} chains/s), chain p99 ${round(chain.p99)} ms`,
      );
    }
  } finally {
    await db.drop();
  }
  return byLevel;
}

const run: BenchModule = async () => {
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const byProcesses = new Map<number, Map<number, Measured>>();
  for (const [i, processes] of PROCESSES.entries()) {
    const levels = i === 0 || !LEVELS.includes(GOAL_CLIENTS) ? LEVELS : [GOAL_CLIENTS];
    byProcesses.set(processes, await graphqlLevels(rows, notes, processes, levels));
  }
  const single = byProcesses.get(1)?.get(GOAL_CLIENTS);
  // As the nuc runs it: API and workers in one process, every completion rendering a souvenir and
  // texting it; each such row paired with an API-only row just before it (the first: the level's own).
  const pairs: Array<{ api: Measured; all: Measured }> = [];
  for (let pair = 1; single && pair <= PAIRS; pair++) {
    const api =
      pair === 1 ? single : (await graphqlLevels(rows, notes, 1, [GOAL_CLIENTS], 'api', pair)).get(GOAL_CLIENTS)!;
    const all = (await graphqlLevels(rows, notes, 1, [GOAL_CLIENTS], 'all', pair)).get(GOAL_CLIENTS)!;
    pairs.push({ api, all });
  }
  const sql = await pgbenchLevels(rows, notes);
  for (const row of rows) {
    const clients = Number(/(\d+) clients/.exec(row.name)?.[1]);
    const base = sql.get(clients);
    const ours = Number(row['mutations/s']);
    if (row.name.startsWith('GraphQL') && base && ours) row['ours/pgbench'] = `${Math.round((ours / base) * 100)}%`;
  }
  const goals: string[] = [];
  const sql16 = sql.get(GOAL_CLIENTS);
  const at = `at ${GOAL_CLIENTS} clients`;
  if (single && sql16) {
    const ratio = single.mps / sql16;
    goals.push(
      `issue 17 goal 1 — lifecycle, API only, ≥ 50% of pgbench ${at}: ${ratio >= 0.5 ? 'met' : 'NOT met'} (${Math.round(ratio * 100)}%: ${round(single.mps)} vs ${round(sql16)} mutations/s)`,
    );
  }
  if (single) {
    goals.push(
      `issue 17 goal 1 — lifecycle, API only, p99 < 100 ms ${at}: ${single.p99 < 100 ? 'met' : 'NOT met'} (${round(single.p99, 2)} ms)`,
      `issue 17 goal 1 — lifecycle, API only, zero errors ${at}: ${single.errors === 0 ? 'met' : 'NOT met'} (${single.errors})`,
    );
  }
  if (pairs.length) {
    const shares = pairs.map(({ api, all }) => all.mps / api.mps);
    const sorted = [...shares].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    const errors = pairs.reduce((n, { all }) => n + all.errors, 0);
    const each = pairs.map(
      ({ api, all }, i) =>
        `${Math.round(shares[i]! * 100)}%: ${round(all.mps)} vs ${round(api.mps)} mutations/s, p99 ${round(all.p99, 2)} ms`,
    );
    goals.push(
      `issue 17 goal 2 — lifecycle with the workers in the same process (npm start) ≥ 85% of API only ${at}: ${median >= 0.85 && errors === 0 ? 'met' : 'NOT met'} (${pairs.length > 1 ? `${Math.round(median * 100)}%, the median of ${pairs.length} alternating pairs: ${each.join('; ')}` : each[0]}; ${errors} errors)`,
    );
  }
  for (const processes of PROCESSES.filter((p) => p > 1)) {
    const many = byProcesses.get(processes)?.get(GOAL_CLIENTS);
    if (!many || !single) continue;
    const scaling = many.mps / single.mps;
    const ok = many.errors === 0 && scaling >= 1;
    goals.push(
      `issue 17 goal 3 — every core, API_PROCESSES=${processes} ${at} (zero errors, at least one process's rate): ${ok ? 'met' : 'NOT met'} (${round(many.mps)} mutations/s, ${round(scaling, 2)}× one process${sql16 ? `, ${Math.round((many.mps / sql16) * 100)}% of pgbench` : ''}, p99 ${round(many.p99, 2)} ms, ${many.errors} errors)`,
    );
  }
  notes.unshift(
    `closed loop: each client runs the chain back to back; ${WARMUP_S} s warm-up then ${DURATION_S} s measured per level; mutations/s counts successful mutations, chains/s successful completeGames; chain latency is over chains that started and ended inside the window`,
    `server: \`src/main.ts api\` (NODE_ENV=production, LOG_LEVEL=warn, recall enabled: completeGame auto-recalls when the show’s recall lock is free), its own database, API_PROCESSES ${PROCESSES.join(' and ')} (more than one: a node:cluster primary and its API processes on one port; every level with ${PROCESSES[0]}, ${GOAL_CLIENTS} clients with the others); jobs pile up in pg-boss (no worker); the "API + workers" row runs \`src/main.ts\` with both in one process and one API process, souvenirs rendered on RENDER_THREADS threads, texts through the log sender; it runs ${PAIRS} time(s) (BENCH_LIFECYCLE_PAIRS), each after an API-only row of its own (the first: the level's), and goal 2 takes the median of the pairs' ratios`,
    'pgbench: bench/pgbench/lifecycle.sql, the same statements per mutation, -M prepared -j 2 -T per level on a database of its own; its per-mutation columns are sums of statement averages',
    'CPU %: share of one core used by the server (all its processes), the Postgres backends and this load generator during the measured window (2 cores in all, shared with anything else running); server CPU ms/mutation is the server’s CPU time over the successful mutations',
  );
  return { title: 'Lifecycle mutations: GraphQL over HTTP vs the same SQL in pgbench', rows, goals, notes };
};

export default run;
