import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { PASSWORDS, startTestServer, useTestServer } from '../helpers/server.js';
import { connectWs } from '../helpers/ws.js';

const server = await useTestServer();
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token expiresAt account { username role } } }`;
const ME = `{ me { username role } }`;

describe('login', () => {
  it('returns a 24 h token for the right password', async () => {
    const r = await server.gql(LOGIN, { u: 'mlbtablet', p: PASSWORDS.mlbtablet });
    expect(r.errors).toBeUndefined();
    expect(r.data.login.account).toEqual({ username: 'mlbtablet', role: 'TABLET' });
    const ttl = new Date(r.data.login.expiresAt).getTime() - Date.now();
    expect(ttl).toBeGreaterThan(23.9 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
  });

  it('refuses a wrong password and an unknown user with the same message', async () => {
    const wrong = await server.gql(LOGIN, { u: 'user', p: 'not-the-password' });
    const unknown = await server.gql(LOGIN, { u: 'nobody', p: 'whatever-it-is' });
    expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(unknown.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(wrong.errors?.[0]?.message).toBe(unknown.errors?.[0]?.message);
  });
});

describe('tokens', () => {
  it.each(['ADMIN', 'TABLET', 'VR_GAME', 'STAFF'] as const)('accepts a %s token', async (role) => {
    const r = await server.gql(ME, {}, await server.token(role));
    expect(r.data.me.role).toBe(role);
  });

  it('answers me with null for anonymous callers, including an empty "Bearer " header', async () => {
    expect((await server.gql(ME)).data.me).toBeNull();
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' },
      body: JSON.stringify({ query: ME }),
    });
    expect(res.status).toBe(200);
    expect((await res.json()).data.me).toBeNull();
  });

  it('refuses a tampered token', async () => {
    const token = await server.token('TABLET');
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, role: 'ADMIN' })).toString('base64url')}.${s}`;
    const r = await server.gql(ME, {}, forged);
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an expired token and a malformed one', async () => {
    const key = new TextEncoder().encode(server.config.secretKey);
    const expired = await new SignJWT({ username: 'user', role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuedAt(1_000)
      .setExpirationTime(2_000)
      .sign(key);
    for (const token of [expired, 'not.a.jwt', 'garbage']) {
      const r = await server.gql(ME, {}, token);
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('a token without an expiry', () => {
  const forever = () =>
    new SignJWT({ username: 'user', role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('1')
      .setIssuedAt()
      .sign(new TextEncoder().encode(server.config.secretKey));

  it('is refused over HTTP', async () => {
    const r = await server.gql(ME, {}, await forever());
    expect(r.status).toBe(401);
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('is refused over WebSocket (the socket is closed 4401)', async () => {
    const ws = connectWs(server.url, await forever());
    const { code } = await Promise.race([
      ws.closed,
      new Promise<{ code: number }>((resolve) => setTimeout(() => resolve({ code: 0 }), 5_000)),
    ]);
    expect(code).toBe(4401);
    await ws.dispose();
  });
});

describe('GraphiQL', () => {
  it('is served by default', async () => {
    expect((await fetch(`${server.url}/graphiql`)).status).toBe(200);
  });

  it('is off with GRAPHIQL=false, and / then redirects nowhere', async () => {
    const off = await startTestServer({ worker: false, database: server.db, env: { GRAPHIQL: 'false' } });
    try {
      expect((await fetch(`${off.url}/graphiql`)).status).toBe(404);
      expect((await fetch(`${off.url}/`, { redirect: 'manual' })).status).toBe(404);
      // The API itself is unaffected.
      expect((await off.gql(ME)).data.me).toBeNull();
    } finally {
      await off.stop();
    }
  });
});
