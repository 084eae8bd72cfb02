import { describe, expect, it } from 'vitest';
import { PASSWORDS, useTestServer } from '../helpers/server.js';

const server = await useTestServer();
const LOGIN = `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`;

describe('repeated failed logins', () => {
  it('are refused from the same address, even with the right password', async () => {
    for (let i = 0; i < 10; i++) {
      const r = await server.gql(LOGIN, { u: 'user', p: `wrong-${i}-password` });
      expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const blocked = await server.gql(LOGIN, { u: 'user', p: PASSWORDS.user });
    expect(blocked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(blocked.errors?.[0]?.message).toMatch(/Too many failed sign-ins; try again in \d+ s/);
  });
});
