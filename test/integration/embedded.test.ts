// The zero-setup default: no DATABASE_URL → an embedded PostgreSQL of our own under DATA_DIR.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-embedded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const config = () =>
  loadConfig({
    env: {
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: '0',
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    },
    secretsDir: '/nonexistent',
  });

async function login(url: string, username: string, password: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token account { role } } }`,
      variables: { u: username, p: password },
    }),
  });
  return (await res.json()) as { data?: { login: { token: string; account: { role: string } } }; errors?: unknown[] };
}

describe('embedded PostgreSQL', () => {
  let adminPassword = '';
  let port = '';

  it('starts on a fresh data directory, seeds accounts, a show and two teams, and serves logins', async () => {
    const app = await startApp({ config: config(), log: createLogger('silent') });
    try {
      expect(app.generatedPasswords.map((p) => p.username)).toEqual(['user', 'mlbtablet', 'mlbvrgame']);
      adminPassword = app.generatedPasswords[0]!.password;
      const r = await login(app.http!.url, 'user', adminPassword);
      expect(r.data?.login.account.role).toBe('ADMIN');
      const { shows, teams } = (
        await app.context.database
          .primarySql`select (select count(*)::int from shows) as shows, (select count(*)::int from teams) as teams`
      )[0]!;
      expect({ shows, teams }).toEqual({ shows: 1, teams: 2 });
      expect(existsSync(path.join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);
      port = readFileSync(path.join(dataDir, 'pg.port'), 'utf8');
      expect(Number(port)).toBeGreaterThan(0);
      expect(app.context.database.primaryUrl).toContain(`:${port}/`);
    } finally {
      await app.stop();
    }
  });

  it('starts again on the same data directory, keeping data, passwords and port', async () => {
    const app = await startApp({ config: config(), log: createLogger('silent') });
    try {
      expect(app.generatedPasswords).toEqual([]);
      const r = await login(app.http!.url, 'user', adminPassword);
      expect(r.data?.login.account.role).toBe('ADMIN');
      const { shows } = (await app.context.database.primarySql`select count(*)::int as shows from shows`)[0]!;
      expect(shows).toBe(1);
      expect(readFileSync(path.join(dataDir, 'pg.port'), 'utf8')).toBe(port);
    } finally {
      await app.stop();
    }
  });
});
