// `npm run migrate`: apply migrations to DATABASE_URL (or NUC_DATABASE_URL, the primary) and exit.
import { loadConfig } from '../config.js';
import { runMigrations } from './migrate.js';

const config = loadConfig();
const url = config.nucDatabaseUrl ?? config.databaseUrl;
if (!url) {
  console.error('Set DATABASE_URL to migrate; without it `npm start` migrates its embedded database itself.');
  process.exit(2);
}
await runMigrations(url);
console.log('migrations applied');
