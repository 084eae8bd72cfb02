// API_PROCESSES > 1: the process `npm start` runs becomes the primary of a node:cluster. It does
// what must happen once (the embedded Postgres, migrations, device accounts, the job workers when
// it runs them, /metrics for all), then forks the API processes, which share PORT (the primary
// hands each new connection to the next one in turn). They need nothing from each other to agree:
// each LISTENs to Postgres for live updates and account changes, sign-in failures are counted in
// the database, and what each keeps in memory (document caches, verified tokens, the anonymous
// budget) is either a cache or divided between them (src/http/server.ts).
import cluster, { type Worker } from 'node:cluster';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { Logger } from './log.js';

type ProcessMetrics = MetricObjectWithValues<MetricValue<string>>[];

/** This process is one API process of a cluster (not its primary, not a single process). */
export const isApiProcess = cluster.isWorker;

/** Which of the cluster's API processes this is (1…API_PROCESSES); 1 outside a cluster. */
export const apiProcessNumber = Number(process.env.MLB_API_PROCESS ?? 1) || 1;

type Message =
  | { type: 'mlb:ready'; url: string }
  | { type: 'mlb:metrics?'; id: number }
  | { type: 'mlb:metrics'; id: number; metrics: ProcessMetrics };

export interface ApiProcesses {
  /** The API's URL, once every process serves. Rejects when one stops before it ever served. */
  readonly ready: Promise<string>;
  /** The metrics of each API process that answers within a second. */
  metrics(): Promise<ProcessMetrics[]>;
  /** SIGTERM to each (each stops as a single server does), SIGKILL to any still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Primary: forks `count` API processes (`src/main.ts api` with this process's flags and `env`). */
export function forkApiProcesses(opts: { count: number; env: Record<string, string>; log: Logger }): ApiProcesses {
  const { count, log } = opts;
  cluster.setupPrimary({ args: ['api'] });
  const running = new Map<number, Worker>();
  let stopping = false;
  let nextRequest = 0;
  const pending = new Map<number, (m: ProcessMetrics) => void>();
  let readyCount = 0;
  let settle: { resolve(url: string): void; reject(err: Error): void };
  const ready = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const served = new Set<number>();

  const fork = (n: number) => {
    const worker = cluster.fork({ ...opts.env, API_PROCESSES: String(count), MLB_API_PROCESS: String(n) });
    running.set(n, worker);
    worker.on('message', (m: Message) => {
      if (m.type === 'mlb:ready' && !served.has(n)) {
        served.add(n);
        if (++readyCount === count) settle.resolve(m.url);
      } else if (m.type === 'mlb:metrics') {
        pending.get(m.id)?.(m.metrics);
        pending.delete(m.id);
      }
    });
    worker.once('exit', (code, signal) => {
      if (running.get(n) === worker) running.delete(n);
      if (stopping) return;
      if (!served.has(n)) {
        settle.reject(new Error(`API process ${n} stopped before it served (${signal ?? `code ${code}`})`));
        return;
      }
      // One API process lost must not take the others down: a new one takes its place.
      log.error({ apiProcess: n, code, signal }, 'API process stopped; starting another');
      setTimeout(() => !stopping && fork(n), 1000).unref();
    });
  };
  for (let n = 1; n <= count; n++) fork(n);

  return {
    ready,
    async metrics() {
      const asks = [...running.values()].map(
        (worker) =>
          new Promise<ProcessMetrics | null>((resolve) => {
            const id = ++nextRequest;
            const timer = setTimeout(() => (pending.delete(id), resolve(null)), 1000);
            pending.set(id, (m) => (clearTimeout(timer), resolve(m)));
            try {
              worker.send({ type: 'mlb:metrics?', id } satisfies Message);
            } catch {
              clearTimeout(timer);
              pending.delete(id);
              resolve(null);
            }
          }),
      );
      return (await Promise.all(asks)).filter((m): m is ProcessMetrics => m !== null);
    },
    async stop(graceMs = 20_000) {
      stopping = true;
      const exits = [...running.values()].map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
            setTimeout(() => worker.process.kill('SIGKILL'), graceMs).unref();
          }),
      );
      await Promise.all(exits);
    },
  };
}

/** API process: tells the primary it serves at `url`, and answers its requests for metrics. */
export function serveAsApiProcess(url: string, metrics: () => Promise<ProcessMetrics>, log: Logger): void {
  process.on('message', (m: Message) => {
    if (m?.type !== 'mlb:metrics?') return;
    metrics().then(
      (values) => process.send?.({ type: 'mlb:metrics', id: m.id, metrics: values } satisfies Message),
      (err: unknown) => log.warn({ err }, 'metrics for the primary failed'),
    );
  });
  process.send?.({ type: 'mlb:ready', url } satisfies Message);
}
