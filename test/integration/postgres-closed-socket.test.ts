// postgres.js 3.4.9 throws a TypeError from a timer (outside any caller, so the process dies) when it
// writes to a connection whose socket has already closed: a reserved connection used after its
// backend went away, or the ROLLBACK a transaction sends after its backend died mid-query. The
// dependency is patched at install (patches/, applied by `postinstall`): such writes fail their
// queries with CONNECTION_CLOSED, the next session starts clean (no error of the last one answers
// its first query) and the closed connection stays the pool's to reconnect. This checks the
// installed copy really behaves so, through both of its builds (ESM for our code, CommonJS for
// anything that requires it): a reinstall or upgrade that loses the patch fails here.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const db = await createTestDatabase();
afterAll(() => db.drop());

// Runs in a child process: a crash there is an exit code here, not a dead test runner.
const scenario = `
const url = process.env.TEST_DATABASE_URL;
const killer = postgres(url, { max: 1, onnotice() {} });
const delay = (ms) => new Promise((r) => setTimeout(r, ms));
const settled = (p) => p.then(() => 'succeeded', (e) => e.code ?? e.message);
const outcome = {};

// A reserved connection whose backend was terminated, used again.
const pool = postgres(url, { max: 2, onnotice() {} });
const reserved = await pool.reserve();
const [{ pid }] = await reserved\`select pg_backend_pid() as pid\`;
await killer\`select pg_terminate_backend(\${pid})\`;
await delay(300);
outcome.reserved = await settled(reserved\`select 1 as one\`);

// A transaction whose backend is terminated mid-query: postgres.js then sends its own ROLLBACK.
const txPool = postgres(url, { max: 1, onnotice() {} });
let txPid;
const tx = settled(
  txPool.begin(async (t) => {
    [{ pid: txPid }] = await t\`select pg_backend_pid() as pid\`;
    await t\`select pg_sleep(5)\`;
  }),
);
for (let i = 0; !txPid && i < 250; i++) await delay(20);
await killer\`select pg_terminate_backend(\${txPid})\`;
outcome.transaction = await tx;
await delay(300);
// The pool reconnects for the next query.
outcome.afterwards = (await txPool\`select 1 as one\`)[0].one;

// A transaction that goes on after its backend died, with a statement too large to be buffered (it
// is written at once): it fails, and the pool's only connection is reconnected, not lost.
const onePool = postgres(url, { max: 1, onnotice() {} });
let later;
const transaction = settled(
  onePool.begin(async (t) => {
    const [{ pid }] = await t\`select pg_backend_pid() as pid\`;
    await killer\`select pg_terminate_backend(\${pid})\`;
    await delay(300);
    later = settled(t.unsafe(\`select '\${'x'.repeat(2000)}' as filler\`));
    await later;
  }),
);
await transaction;
for (let i = 0; !later && i < 100; i++) await delay(20);
outcome.laterStatement = await later;
outcome.poolAfterwards = await Promise.race([
  settled(onePool\`select 1 as one\`),
  delay(5000).then(() => 'no answer in 5 s'),
]);

await Promise.all([pool, txPool, onePool, killer].map((s) => s.end({ timeout: 1 })));
console.log(JSON.stringify(outcome));
`;

const builds = {
  esm: ['--input-type=module', '-e', `import postgres from 'postgres';\n${scenario}`],
  commonjs: [
    '--input-type=commonjs',
    '-e',
    `const postgres = require('postgres');\n(async () => {\n${scenario}\n})();`,
  ],
};

describe('postgres.js on a connection whose socket has closed', () => {
  it.each(Object.entries(builds))(
    '%s build: the queries fail with an error, the process lives on and the pool recovers',
    async (_build, args) => {
      const result = await run(process.execPath, args, {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', TEST_DATABASE_URL: db.url },
        timeout: 20_000,
      }).catch((err: Error & { code?: number; stdout?: string; stderr?: string }) => err);
      const stdout = String(result.stdout ?? '');
      const stderr = String(result.stderr ?? '');
      expect(stderr, 'the child process crashed').not.toMatch(/TypeError/);
      expect('code' in result ? result.code : 0, stderr).toBe(0);
      const outcome = JSON.parse(stdout.trim().split('\n').at(-1)!);
      expect(outcome).toEqual({
        reserved: 'CONNECTION_CLOSED',
        // The backend's own error (57P01, terminated by an administrator) or the closed connection's.
        transaction: expect.stringMatching(/^(57P01|CONNECTION_CLOSED)$/),
        afterwards: 1,
        laterStatement: 'CONNECTION_CLOSED',
        poolAfterwards: 'succeeded',
      });
    },
  );
});
