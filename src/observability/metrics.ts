// Prometheus metrics of this process, served at /metrics. Request, error, subscription and job
// counters are kept as things happen; the counts that live in the database (jobs by state, SMS by
// status, connections) are read at scrape time, so every process reports the same truth.
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import type { Logger } from 'pino';
import { liveOf, type AppContext } from '../context.js';
import { QUEUES } from '../jobs/registry.js';
import { FINISHED_STATES, GAME_STATES } from '../domain/game-states.js';
import { MESSAGE_STATUSES } from '../domain/messages.js';
import { deliveryStatus } from '../services/delivery-status.service.js';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'mlb_' });

export const graphqlRequests = new Counter({
  name: 'mlb_graphql_requests_total',
  help: 'GraphQL operations over HTTP, by root field(s), operation type and outcome (ok or error)',
  labelNames: ['operation', 'type', 'outcome'] as const,
  registers: [registry],
});

export const graphqlDuration = new Histogram({
  name: 'mlb_graphql_request_duration_seconds',
  help: 'Time to answer a GraphQL operation over HTTP',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const graphqlErrors = new Counter({
  name: 'mlb_graphql_errors_total',
  help: 'Errors returned to GraphQL clients, by extensions.code',
  labelNames: ['code'] as const,
  registers: [registry],
});

const subscriptionsActive = new Gauge({
  name: 'mlb_subscriptions_active',
  help: 'GraphQL subscriptions currently open on this process',
  registers: [registry],
});

const subscriptionExecutions = new Gauge({
  name: 'mlb_subscription_executions',
  help: 'Distinct subscription executions on this process (identical subscriptions share one)',
  registers: [registry],
});

const listenerUp = new Gauge({
  name: 'mlb_live_listener_up',
  help: "1 while this API process's LISTEN connection (the live updates' feed) is connected (of several: the lowest)",
  registers: [registry],
  // Over a cluster's API processes: 0 as soon as one of them is deaf.
  aggregator: 'min',
});

const jobRuns = new Counter({
  name: 'mlb_job_runs_total',
  help: 'Jobs handled by this process, by queue and outcome (completed, failed, retry, skipped)',
  labelNames: ['queue', 'outcome'] as const,
  registers: [registry],
});

const jobDuration = new Histogram({
  name: 'mlb_job_duration_seconds',
  help: 'Time a job handler took, by queue',
  labelNames: ['queue'] as const,
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

const jobs = new Gauge({
  name: 'mlb_jobs',
  help: 'Jobs in the queue tables (all processes), by queue and state; failed = out of retries',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
});

const sms = new Gauge({
  name: 'mlb_sms_messages',
  help: 'SMS messages by status (queued, sent, delivered, failed)',
  labelNames: ['status'] as const,
  registers: [registry],
});

const dbConnections = new Gauge({
  name: 'mlb_db_connections',
  help: "This server's connections as Postgres sees them (all processes), by database role, pool and state",
  labelNames: ['database', 'pool', 'state'] as const,
  registers: [registry],
});

const dbUp = new Gauge({
  name: 'mlb_db_up',
  help: '1 when the database answered the last scrape',
  labelNames: ['database'] as const,
  registers: [registry],
});

const deliveryPending = new Gauge({
  name: 'mlb_delivery_pending',
  help: 'Deliveries waiting for the outside world (all processes): texts queued, souvenir uploads pending',
  labelNames: ['what'] as const,
  registers: [registry],
});

const deliveryOldest = new Gauge({
  name: 'mlb_delivery_oldest_pending_seconds',
  help: 'Age of the oldest pending text or upload; 0 when nothing waits',
  registers: [registry],
});

const providerUp = new Gauge({
  name: 'mlb_delivery_provider_up',
  help: "1 while the provider's circuit breaker lets every attempt call it, 0 while it is down (probes only)",
  labelNames: ['provider'] as const,
  registers: [registry],
});

const providerSince = new Gauge({
  name: 'mlb_delivery_provider_state_seconds',
  help: 'Seconds since the provider last went down or came back; 0 when it never failed',
  labelNames: ['provider'] as const,
  registers: [registry],
});

const providerCalls = new Counter({
  name: 'mlb_delivery_provider_requests_total',
  help: 'Requests this process made to a delivery provider, by outcome (answered, transient)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [registry],
});

export const lightingOutputUp = new Gauge({
  name: 'mlb_lighting_output_up',
  help: 'Booth lighting outputs of this process (enttec, artnet): 1 while frames go out, 0 during an outage',
  labelNames: ['output'] as const,
  registers: [registry],
});

export const lightingOutputOutage = new Counter({
  name: 'mlb_lighting_output_outages_total',
  help: 'Times a lighting output became unavailable (missing or unplugged device, unreachable Art-Net host)',
  labelNames: ['output'] as const,
  registers: [registry],
});

export const lightingFrameSent = new Counter({
  name: 'mlb_lighting_frames_total',
  help: 'DMX frames written by a lighting output (the last cue is re-sent every second)',
  labelNames: ['output'] as const,
  registers: [registry],
});

export const lightingCueChanges = new Counter({
  name: 'mlb_lighting_cue_changes_total',
  help: "Cues this process's lighting controller put on the outputs, by origin (game: set automatically, or set)",
  labelNames: ['origin'] as const,
  registers: [registry],
});

/** One request to an outside provider, as its breaker saw it. */
export function recordProviderCall(provider: string, outcome: 'answered' | 'transient'): void {
  providerCalls.inc({ provider, outcome });
}

const games = new Gauge({
  name: 'mlb_games',
  help: 'Unfinished games (all shows) by state: QUEUED is the length of the line',
  labelNames: ['state'] as const,
  registers: [registry],
});

const gameEvents = new Gauge({
  name: 'mlb_game_events',
  help: 'Game events recorded so far, by the state entered (RECALLED counts recalls); only grows, so use delta()',
  labelNames: ['to_state'] as const,
  registers: [registry],
});

const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;
const SMS_STATUSES = MESSAGE_STATUSES;

function refreshSubscriptions(app: AppContext): void {
  let stats;
  let live;
  try {
    live = liveOf(app);
    // How many executions serve this process's subscribers (the sharing at work).
    stats = live.fanout.stats();
  } catch {
    return; // a worker-only process: no live updates here
  }
  listenerUp.set(live.listener.connected ? 1 : 0);
  subscriptionsActive.set(stats.subscribers);
  subscriptionExecutions.set(stats.executions);
}

/** For job handlers: how one job ended and how long it took. */
export function recordJob(queue: string, outcome: 'completed' | 'failed' | 'retry' | 'skipped', seconds: number): void {
  jobRuns.inc({ queue, outcome });
  jobDuration.observe({ queue }, seconds);
}

/** A child logger for one job: every line carries its id and queue. */
export function jobLogger(log: Logger, job: { id: string; name?: string }, queue = job.name): Logger {
  return log.child({ jobId: job.id, queue });
}

async function refresh(app: AppContext): Promise<void> {
  const { database } = app;
  const targets = database.hasReplica
    ? ([
        ['primary', database.db],
        ['replica', database.read],
      ] as const)
    : ([['primary', database.db]] as const);
  await Promise.all([
    (async () => {
      const rows = await database.primarySql<{ name: string; state: string; n: number }[]>`
        select name, state::text as state, count(*)::int as n from pgboss.job group by name, state`;
      jobs.reset();
      for (const queue of QUEUES) for (const state of JOB_STATES) jobs.set({ queue, state }, 0);
      for (const r of rows) jobs.set({ queue: r.name, state: r.state }, r.n);
    })(),
    (async () => {
      const rows = (await database.read.execute(
        'select status::text as status, count(*)::int as n from messages group by status',
      )) as unknown as Array<{ status: string; n: number }>;
      sms.reset();
      for (const status of SMS_STATUSES) sms.set({ status }, 0);
      for (const r of rows) sms.set({ status: r.status }, r.n);
    })(),
    (async () => {
      const [byState, byEvent] = await Promise.all([
        database.read.execute(
          `select state::text as state, count(*)::int as n from games
            where state not in ('COMPLETED', 'CANCELLED') group by state`,
        ) as unknown as Promise<Array<{ state: string; n: number }>>,
        database.read.execute(
          'select to_state::text as state, count(*)::int as n from game_events group by to_state',
        ) as unknown as Promise<Array<{ state: string; n: number }>>,
      ]);
      games.reset();
      for (const state of GAME_STATES) if (!FINISHED_STATES.includes(state)) games.set({ state }, 0);
      for (const r of byState) games.set({ state: r.state }, r.n);
      gameEvents.reset();
      for (const state of GAME_STATES) gameEvents.set({ to_state: state }, 0);
      for (const r of byEvent) gameEvents.set({ to_state: r.state }, r.n);
    })(),
    (async () => {
      const now = app.now();
      const status = await deliveryStatus(database.db, now);
      deliveryPending.set({ what: 'messages' }, status.pendingMessages);
      deliveryPending.set({ what: 'uploads' }, status.pendingUploads);
      deliveryOldest.set(status.oldestPendingAgeSeconds);
      for (const p of status.providers) {
        providerUp.set({ provider: p.provider }, p.up ? 1 : 0);
        providerSince.set(
          { provider: p.provider },
          p.since ? Math.max(0, Math.round((Date.now() - p.since.getTime()) / 1000)) : 0,
        );
      }
    })(),
    ...targets.map(async ([name, db]) => {
      try {
        const rows = (await db.execute(
          `select application_name as pool, coalesce(state, 'unknown') as state, count(*)::int as n
             from pg_stat_activity
            where datname = current_database() and application_name like 'mlb-game-server%'
            group by 1, 2`,
        )) as unknown as Array<{ pool: string; state: string; n: number }>;
        for (const r of rows) dbConnections.set({ database: name, pool: r.pool, state: r.state }, r.n);
        dbUp.set({ database: name }, 1);
      } catch (err) {
        dbUp.set({ database: name }, 0);
        throw err;
      }
    }),
  ]);
}

/** The Prometheus text of this process, with the database-backed gauges read now. */
async function refreshDatabaseFigures(app: AppContext): Promise<void> {
  dbConnections.reset();
  try {
    await refresh(app);
  } catch (err) {
    // A scrape still answers (process metrics, mlb_db_up 0) when the database does not.
    app.log.warn({ err }, 'metrics: database figures unavailable');
  }
}

export async function renderMetrics(app: AppContext): Promise<string> {
  refreshSubscriptions(app);
  await refreshDatabaseFigures(app);
  return registry.metrics();
}

export type ProcessMetrics = MetricObjectWithValues<MetricValue<string>>[];

/**
 * What one API process of a cluster tells its primary: its own counters and live figures. The
 * figures read from the database are left to the primary, which reads them once for all.
 */
export async function apiProcessMetrics(app: AppContext): Promise<ProcessMetrics> {
  refreshSubscriptions(app);
  return registry.getMetricsAsJSON();
}

// Figures only API processes have; a primary without live updates would report them as 0.
const API_PROCESS_ONLY = new Set(['mlb_live_listener_up', 'mlb_subscriptions_active', 'mlb_subscription_executions']);

/**
 * A cluster primary's /metrics: its own figures (the database's, and its job workers' when it runs
 * them) with its API processes' (`apiProcesses`), counters and histograms summed over processes.
 */
export async function renderClusterMetrics(app: AppContext, apiProcesses: ProcessMetrics[]): Promise<string> {
  await refreshDatabaseFigures(app);
  const own = (await registry.getMetricsAsJSON()).filter((m) => !API_PROCESS_ONLY.has(m.name));
  return AggregatorRegistry.aggregate([own, ...apiProcesses]).metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;
