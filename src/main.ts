// Entry point: `api`, `worker`, or both (the default) in one process.
import { ConfigError, configWarnings, loadConfig, type Config } from './config.js';
import { startApp, type App } from './app.js';
import { EmbeddedPostgresError } from './db/embedded-recovery.js';
import { createLogger } from './log.js';

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
for (const warning of configWarnings(config)) log.warn(warning);
const started = Date.now();

// Handlers go in before anything starts: a signal that came without one would kill the process
// at once, mid-start, leaving an embedded Postgres running. A signal during start-up stops the
// server as soon as it is up.
let app: App | undefined;
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
  app?.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, stop);

app = await startApp({ config, log, api: role !== 'worker', worker: role !== 'api' }).catch((err) => {
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

const base = config.publicBaseUrl ?? app.http?.url;
if (app.generatedPasswords.length) {
  console.log('\nGenerated passwords for the device accounts (shown once; set *_PASSWORD to choose your own):');
  for (const { username, password } of app.generatedPasswords) console.log(`  ${username.padEnd(10)} ${password}`);
}
if (app.http) {
  console.log(`\nMLB Game Server ready in ${Date.now() - started} ms`);
  console.log(`  GraphiQL     ${base}/graphiql`);
  console.log(`  Queue board  ${base}/board`);
  console.log(`  GraphQL      ${base}/graphql (HTTP and WebSocket)\n`);
}
log.info({ role, ms: Date.now() - started }, 'started');
