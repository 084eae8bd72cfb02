// Entry point: `api`, `worker`, or both (the default) in one process.
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { startApp, type App } from './app.js';
import { EmbeddedPostgresError } from './db/embedded-recovery.js';
import { createLogger } from './log.js';
import { apiProcessNumber, forkApiProcesses, isApiProcess, serveAsApiProcess, type ApiProcesses } from './cluster.js';
import { apiProcessMetrics } from './observability/metrics.js';
import { handleStrayRejections } from './observability/stray-rejections.js';

const role = process.argv[2] ?? 'all';
if (!['api', 'worker', 'all'].includes(role)) {
  console.error(`Unknown role "${role}": use api, worker, or nothing for both.`);
  process.exit(2);
}

let config: Config;
try {
  config = loadConfig();
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}

const log = createLogger(config.logLevel);
handleStrayRejections(log);
// Said once: by the primary, not again by each API process it starts.
if (!isApiProcess) for (const warning of configWarnings(config)) log.warn(warning);
const started = Date.now();

// Handlers go in before anything starts: a signal that came without one would kill the process
// at once, mid-start, leaving an embedded Postgres running. A signal during start-up stops the
// server as soon as it is up.
let app: App | undefined;
// API_PROCESSES > 1 (src/cluster.ts): this process becomes the primary and forks the API processes.
const primary = !isApiProcess && role !== 'worker' && config.apiProcesses > 1;
let processes: ApiProcesses | undefined;
let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  // A stuck dependency must not keep the process alive forever.
  setTimeout(() => {
    log.error('did not stop in time; exiting');
    process.exit(1);
  }, 25_000).unref();
  // The API processes first (each finishes its requests and closes its sockets), then what they use.
  void (async () => {
    await processes?.stop();
    await app?.stop();
  })().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);

app = await startApp({
  config,
  log,
  api: role !== 'worker' && !primary,
  worker: role !== 'api' && !isApiProcess,
  // An API process of a cluster: its primary prepared the database, serves /metrics and drives no lights.
  ...(isApiProcess ? { prepare: false, metrics: 'none', lighting: apiProcessNumber === 1 } : {}),
  ...(primary ? { metrics: () => processes?.metrics() ?? Promise.resolve([]) } : {}),
}).catch((err) => {
  // What the operator can put right is said in one line; anything else goes out with its stack.
  if (err instanceof EmbeddedPostgresError) log.fatal(`could not start: ${err.message}`);
  else log.fatal({ err }, 'could not start');
  process.exit(1);
});
if (stopping)
  await app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );

if (isApiProcess) {
  const served = app;
  serveAsApiProcess(served.http!.url, () => apiProcessMetrics(served.context), log);
  // The primary is gone (killed): nobody would stop this process any more.
  process.once('disconnect', () => stop('SIGTERM'));
  log.info({ role, apiProcess: apiProcessNumber, ms: Date.now() - started }, 'started');
} else {
  await announce(app);
}

async function announce(app: App): Promise<void> {
  let apiUrl = app.http?.url;
  if (primary) {
    // The processes find the database where this one did (an embedded one is started here).
    const env: Record<string, string> = config.databaseUrl ? {} : { DATABASE_URL: app.context.database.primaryUrl };
    processes = forkApiProcesses({ count: config.apiProcesses, env, log });
    apiUrl = await processes.ready.catch(async (err: unknown) => {
      log.fatal({ err }, 'could not start the API processes');
      stopping = true;
      await processes?.stop(5_000);
      await app.stop();
      return process.exit(1);
    });
  }
  printReady(app, apiUrl);
  log.info({ role, apiProcesses: primary ? config.apiProcesses : undefined, ms: Date.now() - started }, 'started');
}

function printReady(app: App, apiUrl: string | undefined): void {
  const base = config.publicBaseUrl ?? apiUrl;
  if (app.generatedPasswords.length) {
    console.log('\nGenerated passwords for the device accounts (shown once; set *_PASSWORD to choose your own):');
    for (const { username, password } of app.generatedPasswords) console.log(`  ${username.padEnd(10)} ${password}`);
  }
  if (apiUrl) {
    console.log(
      `\nMLB Game Server ready in ${Date.now() - started} ms${primary ? ` (${config.apiProcesses} API processes)` : ''}`,
    );
    console.log(`  GraphiQL     ${base}/graphiql`);
    console.log(`  Queue board  ${base}/board`);
    console.log(`  GraphQL      ${base}/graphql (HTTP and WebSocket)\n`);
  }
}
