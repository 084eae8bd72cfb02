// Account management (issue "Staff control", part 1): who may do what, the password and last-ADMIN
// rules, revocation of tokens and sockets in this process, and the audit log.
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, auditLog } from '../../src/db/schema.js';
import { type Role } from '../../src/domain/roles.js';
import { PASSWORDS, useTestServer } from '../helpers/server.js';
import { connectWs, subscribe } from '../helpers/ws.js';

const server = await useTestServer({ worker: false, env: { RECALL_DISABLE: 'true' } });
const db = server.app.context.database.db;

const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token account { username role enabled } } }`;
const ME = `{ me { username role enabled } }`;
const CREATE = `mutation($u: String!, $r: Role!, $p: String!) { createAccount(username: $u, role: $r, password: $p) { id username role enabled disabledAt createdAt } }`;
const SET_PASSWORD = `mutation($u: String!, $p: String!, $c: String) { setPassword(username: $u, password: $p, currentPassword: $c) { username } }`;
const DISABLE = `mutation($u: String!) { disableAccount(username: $u) { username enabled disabledAt } }`;
const ENABLE = `mutation($u: String!) { enableAccount(username: $u) { username enabled disabledAt } }`;
const DELETE = `mutation($u: String!) { deleteAccount(username: $u) { username } }`;
const AUDIT = `query($n: Int) { auditLog(limit: $n) { actor action subject detail at } }`;

async function loginToken(username: string, password: string): Promise<string> {
  const r = await server.gql(LOGIN, { u: username, p: password });
  if (!r.data?.login) throw new Error(`login as ${username} failed: ${JSON.stringify(r.errors)}`);
  return r.data.login.token;
}

const admin = () => loginToken('user', PASSWORDS.user);
let serial = 0;
/** A fresh account of `role` through the API, with its password. */
async function newAccount(role: Role = 'STAFF') {
  const username = `staff-${++serial}-${role.toLowerCase().replace('_', '-')}`;
  const password = `a-long-password-${serial}`;
  const r = await server.gql(CREATE, { u: username, r: role, p: password }, await admin());
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return { username, password, token: await loginToken(username, password) };
}
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors?.[0]?.extensions?.code;
const accountCount = async () => (await db.select({ n: count() }).from(accounts))[0]!.n;
const auditCount = async () => (await db.select({ n: count() }).from(auditLog))[0]!.n;

describe('who may manage accounts', () => {
  type Caller = Role | 'ANONYMOUS';
  const CALLERS: Caller[] = ['ANONYMOUS', 'TABLET', 'VR_GAME', 'STAFF', 'ADMIN'];
  // An allowed caller gets past authorization and hears the service's answer for a missing account
  // (or bad input), which no denied caller ever sees; either way nothing is written.
  const OPERATIONS: Record<string, { query: string; vars: Record<string, unknown>; allowedAnswer: string }> = {
    accounts: { query: `{ accounts { username } }`, vars: {}, allowedAnswer: 'none' },
    auditLog: { query: AUDIT, vars: { n: 1 }, allowedAnswer: 'none' },
    createAccount: { query: CREATE, vars: { u: 'x', r: 'STAFF', p: 'short' }, allowedAnswer: 'BAD_USER_INPUT' },
    disableAccount: { query: DISABLE, vars: { u: 'nobody-here' }, allowedAnswer: 'NOT_FOUND' },
    enableAccount: { query: ENABLE, vars: { u: 'nobody-here' }, allowedAnswer: 'NOT_FOUND' },
    deleteAccount: { query: DELETE, vars: { u: 'nobody-here' }, allowedAnswer: 'NOT_FOUND' },
    "setPassword (another account's)": {
      query: SET_PASSWORD,
      vars: { u: 'nobody-here', p: 'a-new-long-password' },
      allowedAnswer: 'NOT_FOUND',
    },
  };
  const cases = Object.entries(OPERATIONS).flatMap(([name, op]) =>
    CALLERS.map((caller) => [name, caller, op] as const),
  );

  it.each(cases)('%s as %s', async (_name, caller, op) => {
    const token = caller === 'ANONYMOUS' ? null : await server.token(caller);
    const [accountsBefore, auditBefore] = [await accountCount(), await auditCount()];
    const r = await server.gql(op.query, op.vars, token);
    if (caller === 'ADMIN') {
      if (op.allowedAnswer === 'none') expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      else expect(codeOf(r)).toBe(op.allowedAnswer);
    } else {
      expect(codeOf(r)).toBe(caller === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
    }
    expect(await accountCount()).toBe(accountsBefore);
    expect(await auditCount()).toBe(auditBefore);
  });

  it('lists accounts without any secret', async () => {
    const r = await server.gql(`{ accounts { id username role enabled disabledAt createdAt } }`, {}, await admin());
    expect(r.data.accounts.map((a: { username: string }) => a.username)).toEqual(
      expect.arrayContaining(['user', 'mlbtablet', 'mlbvrgame']),
    );
    const fields = await server.gql(`{ __type(name: "Account") { fields { name } } }`);
    expect(fields.data.__type.fields.map((f: { name: string }) => f.name).sort()).toEqual(
      ['createdAt', 'disabledAt', 'enabled', 'id', 'role', 'username'].sort(),
    );
  });
});

describe('createAccount', () => {
  it('creates a STAFF login that can sign in and run staff operations', async () => {
    const { username, token } = await newAccount('STAFF');
    expect((await server.gql(ME, {}, token)).data.me).toEqual({ username, role: 'STAFF', enabled: true });
    const r = await server.gql(`{ deliveryStatus { pendingMessages } }`, {}, token);
    expect(r.errors).toBeUndefined();
  });

  it('refuses a password shorter than 12 characters and a bad username, naming both, writing nothing', async () => {
    const before = await accountCount();
    const r = await server.gql(CREATE, { u: 'Bad Name!', r: 'STAFF', p: 'elevenchars' }, await admin());
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
    expect(Object.keys(r.errors![0]!.extensions!.fields).sort()).toEqual(['password', 'username']);
    expect(r.errors![0]!.message).toMatch(/at least 12 characters/);
    expect(await accountCount()).toBe(before);
  });

  it('refuses a username that exists with CONFLICT', async () => {
    const r = await server.gql(CREATE, { u: 'mlbtablet', r: 'STAFF', p: 'long-enough-password' }, await admin());
    expect(codeOf(r)).toBe('CONFLICT');
  });
});

describe('setPassword', () => {
  it('lets an account set its own with its current password, and revokes its tokens', async () => {
    const { username, password, token } = await newAccount('STAFF');
    const wrong = await server.gql(SET_PASSWORD, { u: username, p: 'new-long-password-1', c: 'not-it-at-all' }, token);
    expect(codeOf(wrong)).toBe('BAD_USER_INPUT');
    expect(wrong.errors![0]!.extensions!.fields).toHaveProperty('currentPassword');
    const short = await server.gql(SET_PASSWORD, { u: username, p: 'short', c: password }, token);
    expect(codeOf(short)).toBe('BAD_USER_INPUT');
    expect((await server.gql(ME, {}, token)).data.me.username).toBe(username);

    const ok = await server.gql(SET_PASSWORD, { u: username, p: 'new-long-password-1', c: password }, token);
    expect(ok.errors, JSON.stringify(ok.errors)).toBeUndefined();
    const after = await server.gql(ME, {}, token);
    expect(after.status).toBe(401);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(codeOf(await server.gql(LOGIN, { u: username, p: password }))).toBe('UNAUTHENTICATED');
    const fresh = await loginToken(username, 'new-long-password-1');
    expect((await server.gql(ME, {}, fresh)).data.me.username).toBe(username);
  });

  it("refuses a non-ADMIN setting another account's password", async () => {
    const a = await newAccount('STAFF');
    const b = await newAccount('STAFF');
    const r = await server.gql(SET_PASSWORD, { u: b.username, p: 'new-long-password-2', c: a.password }, a.token);
    expect(codeOf(r)).toBe('FORBIDDEN');
    await loginToken(b.username, b.password);
  });

  it('lets ADMIN rotate a device account, which keeps working with the new password', async () => {
    const { username, token } = await newAccount('TABLET');
    const r = await server.gql(SET_PASSWORD, { u: username, p: 'rotated-tablet-password' }, await admin());
    expect(r.errors).toBeUndefined();
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    await loginToken(username, 'rotated-tablet-password');
  });
});

describe('disableAccount and enableAccount', () => {
  it('shuts an account out at once (HTTP, routes and WebSocket) and lets it back in without its old tokens', async () => {
    const { username, password, token } = await newAccount('TABLET');
    const showRes = await server.gql(
      `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
      { i: { name: 'Acc', date: '2031-01-01', welcomeMessage: 'w', recallMessage: 'r', souvenirMessage: '{url}' } },
      await admin(),
    );
    expect(showRes.errors, JSON.stringify(showRes.errors)).toBeUndefined();
    const ws = connectWs(server.url, token);
    const sub = subscribe(ws, `subscription { queueChanged { version } }`);
    await sub.nth(0);

    const r = await server.gql(DISABLE, { u: username }, await admin());
    expect(r.data.disableAccount.enabled).toBe(false);
    expect(r.data.disableAccount.disabledAt).not.toBeNull();
    const { code, reason } = await Promise.race([
      ws.closed,
      new Promise<{ code: number; reason: string }>((resolve) =>
        setTimeout(() => resolve({ code: 0, reason: 'still open' }), 5_000),
      ),
    ]);
    expect(code).toBe(4401);
    expect(reason).toMatch(/revoked/);
    await ws.dispose();
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    const upload = await fetch(`${server.url}/players/1/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'image/png' },
      body: Buffer.from('x'),
    });
    expect(upload.status).toBe(401);
    const refused = await server.gql(LOGIN, { u: username, p: password });
    expect(refused.errors![0]!.message).toMatch(/disabled/);

    const enabled = await server.gql(ENABLE, { u: username }, await admin());
    expect(enabled.data.enableAccount).toEqual({ username, enabled: true, disabledAt: null });
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
    const fresh = await loginToken(username, password);
    expect((await server.gql(ME, {}, fresh)).data.me.enabled).toBe(true);
  });
});

describe('deleteAccount', () => {
  it('never deletes a device account', async () => {
    for (const u of ['user', 'mlbtablet', 'mlbvrgame']) {
      const r = await server.gql(DELETE, { u }, await admin());
      expect(codeOf(r)).toBe('CONFLICT');
      expect(await db.select().from(accounts).where(eq(accounts.username, u))).toHaveLength(1);
    }
  });

  it('deletes another account, whose token then stops working', async () => {
    const { username, token } = await newAccount('STAFF');
    const r = await server.gql(DELETE, { u: username }, await admin());
    expect(r.data.deleteAccount.username).toBe(username);
    expect(codeOf(await server.gql(ME, {}, token))).toBe('UNAUTHENTICATED');
  });
});

describe('the audit log', () => {
  it('records every account change with who, what and when, newest first', async () => {
    const { username, password, token } = await newAccount('STAFF');
    await server.gql(SET_PASSWORD, { u: username, p: 'audited-password-1', c: password }, token);
    await server.gql(DISABLE, { u: username }, await admin());
    await server.gql(DISABLE, { u: username }, await admin()); // already disabled: nothing changes, nothing recorded
    await server.gql(ENABLE, { u: username }, await admin());
    const r = await server.gql(AUDIT, { n: 4 }, await admin());
    const subject = `account:${username}`;
    expect(r.data.auditLog.map((e: any) => [e.actor, e.action, e.subject])).toEqual([
      ['user', 'account.enable', subject],
      ['user', 'account.disable', subject],
      [username, 'account.password', subject],
      ['user', 'account.create', subject],
    ]);
    expect(JSON.parse(r.data.auditLog[3].detail)).toEqual({ role: 'STAFF' });
    expect(Date.now() - new Date(r.data.auditLog[0].at).getTime()).toBeLessThan(60_000);
  });
});

// Last: it disables the seeded ADMIN for a while.
describe('the last enabled ADMIN', () => {
  it('cannot be disabled or deleted; with a second ADMIN it can, until that one is the last', async () => {
    const alone = await server.gql(DISABLE, { u: 'user' }, await admin());
    expect(codeOf(alone)).toBe('CONFLICT');
    expect(alone.errors![0]!.message).toMatch(/last enabled ADMIN/);

    const second = await newAccount('ADMIN');
    const r = await server.gql(DISABLE, { u: 'user' }, second.token);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(codeOf(await server.gql(DISABLE, { u: second.username }, second.token))).toBe('CONFLICT');
    expect(codeOf(await server.gql(DELETE, { u: second.username }, second.token))).toBe('CONFLICT');
    // Two admins disabling each other at the same moment leave one enabled.
    expect((await server.gql(ENABLE, { u: 'user' }, second.token)).errors).toBeUndefined();
    const first = await admin();
    const both = await Promise.all([
      server.gql(DISABLE, { u: second.username }, first),
      server.gql(DISABLE, { u: 'user' }, second.token),
    ]);
    expect(both.filter((b) => b.errors === undefined)).toHaveLength(1);
    const enabledAdmins = (await db.select().from(accounts).where(eq(accounts.role, 'ADMIN'))).filter(
      (a) => a.disabledAt === null,
    );
    expect(enabledAdmins).toHaveLength(1);
  });
});
