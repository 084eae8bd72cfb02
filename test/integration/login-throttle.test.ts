// Sign-in throttling: failures are counted in PostgreSQL per account and per caller address, and the
// address is the peer's unless TRUST_PROXY trusts that peer to say who its client is.
import http from 'node:http';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { LOGIN_LIMITS } from '../../src/domain/login-throttle.js';
import { PASSWORDS, startTestServer, useTestServer } from '../helpers/server.js';
import { wsUrl } from '../helpers/ws.js';

// The peer 127.0.0.2 is the trusted proxy; 127.0.0.1 is a client talking to the server directly.
const server = await useTestServer({ env: { TRUST_PROXY: '127.0.0.2' } });
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;
const WRONG = 'Wrong username or password';
const TOO_MANY = /Too many failed sign-ins; try again in \d+ s/;
const RATE_LIMITED = /^Too many requests from this address/;

interface Outcome {
  ok: boolean;
  message?: string;
}

/** A login over HTTP from the loopback address `from`, with an optional X-Forwarded-For header. */
function login(username: string, password: string, from = '127.0.0.1', forwardedFor?: string): Promise<Outcome> {
  const body = JSON.stringify({ query: LOGIN, variables: { u: username, p: password } });
  const url = new URL(`${server.url}/graphql`);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const json = JSON.parse(text) as { data?: { login?: unknown }; errors?: Array<{ message: string }> };
          resolve({ ok: Boolean(json.data?.login), message: json.errors?.[0]?.message });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let unknownUser = 0;
/** A failure that counts only against the address: every call names a different (unknown) account. */
const failFrom = (from: string, forwardedFor?: string) =>
  login(`nobody-${++unknownUser}`, 'not-the-password', from, forwardedFor);

describe('failed sign-ins', () => {
  it('are refused per account, even with the right password, and the refusal checks nothing', async () => {
    for (let i = 0; i < LOGIN_LIMITS.perAccount; i++) {
      expect(await login('staff-x', `wrong-${i}-password`)).toEqual({ ok: false, message: WRONG });
    }
    const blocked = await login('staff-x', 'any-password', '127.0.0.1');
    expect(blocked.message).toMatch(TOO_MANY);
  });

  it('100 parallel guesses from one address: at most the limit are checked', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login('user', `parallel-guess-${i}`, '127.0.0.3')),
    );
    const checked = results.filter((r) => r.message === WRONG).length;
    // Refused by the throttle, or earlier by the anonymous budget of the address (sign-ins are
    // anonymous and dear): neither checks a password.
    const refused = results.filter((r) => TOO_MANY.test(r.message ?? '') || RATE_LIMITED.test(r.message ?? '')).length;
    expect(checked).toBeLessThanOrEqual(LOGIN_LIMITS.perAccount);
    // Anything else (an internal error of the counting under contention) is named here.
    const other = results.filter(
      (r) => r.message !== WRONG && !TOO_MANY.test(r.message ?? '') && !RATE_LIMITED.test(r.message ?? ''),
    );
    expect(other).toEqual([]);
    expect(checked + refused).toBe(100);
  });

  it("another account's successful sign-in never resets an account's count", async () => {
    const fresh = await startTestServer({ env: { TRUST_PROXY: '127.0.0.2' } });
    try {
      const signIn = (u: string, p: string) =>
        fresh.gql(LOGIN, { u, p }).then((r) => ({ ok: Boolean(r.data?.login), message: r.errors?.[0]?.message }));
      let adminChecked = 0;
      let tabletSignedIn = 0;
      for (let i = 0; i < 25; i++) {
        if ((await signIn('user', `alternating-guess-${i}`)).message === WRONG) adminChecked++;
        if ((await signIn('mlbtablet', PASSWORDS.mlbtablet)).ok) tabletSignedIn++;
      }
      expect(adminChecked).toBe(LOGIN_LIMITS.perAccount);
      expect(tabletSignedIn).toBe(25);
      expect((await signIn('user', PASSWORDS.user)).message).toMatch(TOO_MANY);
    } finally {
      await fresh.stop();
    }
  });

  it("never refuse a different account from a different address; an address's failures refuse it", async () => {
    // The admin account is locked by now (tests above): the tablet from another address still signs in.
    expect((await login('user', PASSWORDS.user, '127.0.0.2', '192.0.2.50')).message).toMatch(TOO_MANY);
    expect(await login('mlbtablet', PASSWORDS.mlbtablet, '127.0.0.2', '192.0.2.51')).toEqual({
      ok: true,
      message: undefined,
    });
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) await failFrom('127.0.0.2', '192.0.2.52');
    expect((await login('mlbvrgame', PASSWORDS.mlbvrgame, '127.0.0.2', '192.0.2.52')).message).toMatch(TOO_MANY);
    expect((await login('mlbvrgame', PASSWORDS.mlbvrgame, '127.0.0.2', '192.0.2.53')).ok).toBe(true);
  });
});

describe('the caller address', () => {
  it('ignores X-Forwarded-For from a peer TRUST_PROXY does not trust', async () => {
    // Every failure claims another client, but the peer is 127.0.0.1 and that is the address counted.
    for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) await failFrom('127.0.0.1', `198.51.100.${i + 1}`);
    expect((await login('mlbvrgame', PASSWORDS.mlbvrgame, '127.0.0.1', '198.51.100.200')).message).toMatch(TOO_MANY);
  });

  it('is the same over WebSocket as over HTTP', async () => {
    const socket = createClient({
      url: wsUrl(server.url),
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { localAddress: '127.0.0.2', headers: { 'x-forwarded-for': '203.0.113.9' } });
        }
      },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
    });
    try {
      for (let i = 0; i < LOGIN_LIMITS.perAddress; i++) {
        const r = await new Promise<{ errors?: Array<{ message: string }> }>((resolve, reject) => {
          let result: { errors?: Array<{ message: string }> } = {};
          socket.subscribe(
            { query: LOGIN, variables: { u: `ws-nobody-${i}`, p: 'not-the-password' } },
            { next: (m) => (result = m as typeof result), error: reject, complete: () => resolve(result) },
          );
        });
        expect(r.errors?.[0]?.message).toBe(WRONG);
      }
    } finally {
      await socket.dispose();
    }
    // The failures over the socket were counted against the forwarded client, as HTTP sees it.
    expect((await login('mlbvrgame', PASSWORDS.mlbvrgame, '127.0.0.2', '203.0.113.9')).message).toMatch(TOO_MANY);
    expect((await login('mlbvrgame', PASSWORDS.mlbvrgame, '127.0.0.2', '203.0.113.10')).ok).toBe(true);
  });
});
