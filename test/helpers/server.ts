// A real server on a random port over a database of this test file's own.
import { eq } from 'drizzle-orm';
import { afterAll } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { accounts } from '../../src/db/schema.js';
import { createLogger } from '../../src/log.js';

import { createTestDatabase, type TestDatabase } from './db.js';
import { type Role } from '../../src/domain/roles.js';
import { hashPassword } from '../../src/domain/passwords.js';

export const PASSWORDS = {
  user: 'admin-password-1',
  mlbtablet: 'tablet-password-1',
  mlbvrgame: 'vrgame-password-1',
  staff: 'staff-password-1',
} as const;
export const ROLE_USERS: Record<Role, keyof typeof PASSWORDS> = {
  ADMIN: 'user',
  TABLET: 'mlbtablet',
  VR_GAME: 'mlbvrgame',
  STAFF: 'staff',
};

export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SECRET_KEY: 'test-secret-key-that-is-long-enough-0123456789',
    ADMIN_PASSWORD: PASSWORDS.user,
    TABLET_PASSWORD: PASSWORDS.mlbtablet,
    VR_GAME_PASSWORD: PASSWORDS.mlbvrgame,
    PORT: '0',
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    RECALL_DISABLE: 'false',
    DATA_DIR: '.data/test',
    // Every test calls from 127.0.0.1, most of them anonymously and as fast as it can: the anonymous
    // budget per address would refuse them. test/integration/operation-limits.test.ts turns it on.
    ANONYMOUS_COST_PER_SECOND: '0',
    ...extra,
  };
}

export interface GqlResult<T = any> {
  status: number;
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, any>; path?: string[] }>;
}

export interface TestServer {
  app: App;
  db: TestDatabase;
  config: Config;
  url: string;
  /** POST a GraphQL operation; `token` is sent as a bearer token. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GqlResult<T>>;
  /** A token for an account of that role (a STAFF account is created on first use). */
  token(role: Role): Promise<string>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  now?: () => Date;
  api?: boolean;
  worker?: boolean;
  /** Reuse another server's database instead of creating one. */
  database?: TestDatabase;
  /** Sees every statement the server's database client sends. */
  onQuery?: (sql: string) => void;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const db = opts.database ?? (await createTestDatabase());
  const config = loadConfig({ env: testEnv(db.url, opts.env), secretsDir: '/nonexistent' });
  const app = await startApp({
    config,
    now: opts.now,
    onQuery: opts.onQuery,
    api: opts.api ?? true,
    worker: opts.worker ?? true,
    log: createLogger(config.logLevel),
  });
  const url = app.http?.url ?? '';
  const tokens = new Map<Role, string>();

  const gql: TestServer['gql'] = async (query, variables, token) => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as GqlResult;
    return { status: res.status, data: body.data, errors: body.errors };
  };

  const server: TestServer = {
    app,
    db,
    config,
    url,
    gql,
    async token(role) {
      if (tokens.has(role)) return tokens.get(role)!;
      const username = ROLE_USERS[role];
      if (role === 'STAFF') {
        const dbh = app.context.database.db;
        const [existing] = await dbh.select().from(accounts).where(eq(accounts.username, username));
        if (!existing)
          await dbh.insert(accounts).values({ username, role, passwordHash: await hashPassword(PASSWORDS.staff) });
      }
      const r = await gql(`mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`, {
        u: username,
        p: PASSWORDS[username],
      });
      if (!r.data?.login) throw new Error(`login as ${username} failed: ${JSON.stringify(r.errors)}`);
      tokens.set(role, r.data.login.token);
      return r.data.login.token;
    },
    async stop() {
      await app.stop();
      if (!opts.database) await db.drop();
    },
  };
  return server;
}

/** Starts a server for this test file and stops it after the file's tests. */
export async function useTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const server = await startTestServer(opts);
  afterAll(() => server.stop());
  return server;
}
