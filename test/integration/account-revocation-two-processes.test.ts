// Two API servers on one database, as behind a load balancer: disabling an account or changing its
// password through one revokes its tokens in the other at once, without a restart, and closes the
// account's WebSockets there. The other server had already accepted the token (and remembered its
// account), so only the change announced through Postgres can make it refuse.
import { afterAll, expect, it } from 'vitest';
import { PASSWORDS, startTestServer, type TestServer } from '../helpers/server.js';
import { connectWs, subscribe } from '../helpers/ws.js';

const a = await startTestServer({ worker: false, env: { RECALL_DISABLE: 'true' } });
const b = await startTestServer({ database: a.db, worker: false, env: { RECALL_DISABLE: 'true' } });
afterAll(async () => {
  await b.stop();
  await a.stop();
});

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const ME = `{ me { username } }`;

async function loginOn(server: TestServer, username: string, password: string): Promise<string> {
  const r = await server.gql(LOGIN, { u: username, p: password });
  if (!r.data?.login) throw new Error(`login failed: ${JSON.stringify(r.errors)}`);
  return r.data.login.token;
}

/** Asks `server` until the token is refused; how long that took after the change (ms). */
async function refusedWithin(server: TestServer, token: string, since: number, limitMs = 3_000): Promise<number> {
  for (;;) {
    const r = await server.gql(ME, {}, token);
    if (r.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') return Date.now() - since;
    expect(r.data.me).not.toBeNull();
    if (Date.now() - since > limitMs) throw new Error('the token is still accepted');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function staffOnA(username: string, password: string) {
  const admin = await loginOn(a, 'user', PASSWORDS.user);
  const r = await a.gql(
    `mutation($u: String!, $p: String!) { createAccount(username: $u, role: STAFF, password: $p) { id } }`,
    { u: username, p: password },
    admin,
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return admin;
}

it('a disable made on one server refuses the token on the other and closes its WebSocket there', async () => {
  const admin = await staffOnA('lost-tablet', 'lost-tablet-password');
  const token = await loginOn(b, 'lost-tablet', 'lost-tablet-password');
  expect((await b.gql(ME, {}, token)).data.me).toEqual({ username: 'lost-tablet' });
  const ws = connectWs(b.url, token);
  try {
    const sub = subscribe(ws, `subscription { gameChanged(id: "1") { id } }`);
    await sub.error().catch(() => undefined); // connected and authenticated (game 1 does not exist)

    const since = Date.now();
    const r = await a.gql(`mutation { disableAccount(username: "lost-tablet") { enabled } }`, {}, admin);
    expect(r.data.disableAccount.enabled).toBe(false);
    const ms = await refusedWithin(b, token, since);
    const closed = await Promise.race([
      ws.closed,
      new Promise<{ code: number; reason: string }>((resolve) =>
        setTimeout(() => resolve({ code: 0, reason: 'still open' }), 3_000),
      ),
    ]);
    expect(closed.code).toBe(4401);
    console.log(`token refused on the other server ${ms} ms after the disable`);
    expect(ms).toBeLessThan(3_000);
  } finally {
    await ws.dispose();
  }
});

it('a password change made on one server refuses the old token on the other', async () => {
  const admin = await staffOnA('rotated', 'first-long-password');
  const token = await loginOn(b, 'rotated', 'first-long-password');
  expect((await b.gql(ME, {}, token)).data.me).toEqual({ username: 'rotated' });
  const since = Date.now();
  const r = await a.gql(
    `mutation { setPassword(username: "rotated", password: "second-long-password") { username } }`,
    {},
    admin,
  );
  expect(r.errors).toBeUndefined();
  await refusedWithin(b, token, since);
  const fresh = await loginOn(b, 'rotated', 'second-long-password');
  expect((await b.gql(ME, {}, fresh)).data.me).toEqual({ username: 'rotated' });
});
