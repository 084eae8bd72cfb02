// Builds and starts the whole server (API, workers, or both) and stops it in the reverse order.
import path from 'node:path';
import type { Config } from './config.js';
import { openDatabase } from './db/client.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { runMigrations } from './db/migrate.js';
import { seedAccounts, seedDemoData } from './db/seed.js';
import { createAppContext, type AppContext } from './context.js';
import { startLiveHub } from './live/hub.js';
import { lightingEnabled, startLightingController } from './lighting/controller.js';
import { createStorage } from './storage/storage.js';
import { createRenderPool } from './souvenir/render-pool.js';
import { dayIn } from './domain/dates.js';
import { startHttpServer, type HttpServer } from './http/server.js';
import { startMetricsServer } from './http/metrics-server.js';
import { startBoss } from './jobs/boss.js';
import { createLogger, type Logger } from './log.js';
import { startWorkers, type Workers } from '../workers/index.js';
import { initSentry } from './observability/sentry.js';
import { renderClusterMetrics, type ProcessMetrics } from './observability/metrics.js';
import { createSmsSender } from './sms/create-sender.js';

export interface AppOptions {
  config: Config;
  api?: boolean;
  worker?: boolean;
  log?: Logger;
  now?: () => Date;
  /** Sees every statement the app's database client sends (tests count queries with it). */
  onQuery?: (sql: string) => void;
  /**
   * Migrate the database and create the device accounts (and development's demo data); default
   * true. An API process of a cluster skips it: its primary did it once before starting it.
   */
  prepare?: boolean;
  /** Drive the booth's lights here when they are configured (default true); a cluster drives them from one API process. */
  lighting?: boolean;
  /**
   * Where /metrics comes from: this process's own (default); `none` for an API process of a cluster
   * (its primary asks it); or, for a cluster's primary, its API processes' figures to serve with its own.
   */
  metrics?: 'own' | 'none' | (() => Promise<ProcessMetrics[]>);
}

export interface App {
  readonly context: AppContext;
  readonly http?: HttpServer;
  /** Where this process serves /metrics (the API's metrics server, or a worker's own). */
  readonly metricsUrl: string;
  /** Passwords generated for device accounts on this start (development only); print them once. */
  readonly generatedPasswords: Array<{ username: string; password: string }>;
  stop(): Promise<void>;
}

export async function startApp({
  config,
  api = true,
  worker = true,
  log = createLogger(config.logLevel),
  now = () => new Date(),
  onQuery,
  prepare = true,
  lighting: withLighting = true,
  metrics: metricsFrom = 'own',
}: AppOptions): Promise<App> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((err) => log.error({ err }, 'error while stopping'));
    }
    cleanups.length = 0;
  };
  try {
    const sentry = await initSentry(config, log);
    cleanups.push(() => sentry.flush());
    let url = config.databaseUrl;
    if (!url) {
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres(path.join(config.dataDir), log);
      cleanups.push(() => embedded.stop());
      url = embedded.url;
    }
    const primaryUrl = config.nucDatabaseUrl ?? url;
    if (prepare) await runMigrations(primaryUrl);
    const database = openDatabase({ url, primaryUrl: config.nucDatabaseUrl, onQuery });
    cleanups.push(() => database.close());
    const boss = await startBoss({ url: primaryUrl, log, supervise: worker, jobs: config.jobs });
    cleanups.push(() => boss.stop({ graceful: true, timeout: 10_000, close: true }));
    const context = createAppContext({
      config,
      database,
      boss,
      log,
      now,
      storage: createStorage(config),
      sms: createSmsSender(config, log),
      renders: createRenderPool(config.jobs.renderThreads, (err) =>
        log.error({ err }, 'souvenir render thread failed'),
      ),
    });
    cleanups.push(() => context.renders.close());

    const generatedPasswords = prepare ? await seedAccounts(database.db, config) : [];
    if (prepare && config.env === 'development') await seedDemoData(database.db, log, dayIn(now(), config.timeZone));

    let workers: Workers | undefined;
    if (worker) {
      workers = await startWorkers(context);
      cleanups.push(() => workers!.stop());
    }
    let http: HttpServer | undefined;
    let metricsUrl: string;
    if (api) {
      const live = (context.live = startLiveHub(context));
      cleanups.push(() => live.stop());
      if (withLighting && lightingEnabled(config.lighting)) {
        const lighting = (context.lighting = startLightingController(context, live));
        cleanups.push(() => lighting.stop());
      }
      http = await startHttpServer(context, { port: config.port, host: config.host, metrics: metricsFrom !== 'none' });
      cleanups.push(() => http!.close());
      metricsUrl = http.metricsUrl;
    } else {
      // A worker-only process serves no HTTP but its metrics: job runs and durations are counted here.
      // A cluster's primary serves its API processes' figures with its own.
      const fromApi = typeof metricsFrom === 'function' ? metricsFrom : null;
      const metrics = await startMetricsServer(
        context,
        fromApi ? async () => renderClusterMetrics(context, await fromApi()) : undefined,
      );
      cleanups.push(async () => metrics.close());
      metricsUrl = metrics.url;
    }
    return { context, http, metricsUrl, generatedPasswords, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
