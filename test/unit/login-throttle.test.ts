import { describe, expect, it } from 'vitest';
import { accountKey, addressKey, LOGIN_LIMITS, retryAfterMs } from '../../src/domain/login-throttle.js';

const ends = new Date(60_000);

describe('login throttle rules', () => {
  it('refuses only a counter past its own limit, for the rest of its window', () => {
    const account = (count: number) => ({ key: accountKey('User'), count, windowEndsAt: ends });
    const address = (count: number) => ({ key: addressKey('192.0.2.1'), count, windowEndsAt: ends });
    expect(retryAfterMs([account(LOGIN_LIMITS.perAccount), address(1)], 1_000)).toBe(0);
    expect(retryAfterMs([account(LOGIN_LIMITS.perAccount + 1), address(1)], 1_000)).toBe(59_000);
    expect(retryAfterMs([account(1), address(LOGIN_LIMITS.perAccount + 1)], 1_000)).toBe(0);
    expect(retryAfterMs([account(1), address(LOGIN_LIMITS.perAddress + 1)], 1_000)).toBe(59_000);
  });

  it('counts an account whatever the case or spaces it is typed with', () => {
    expect(accountKey(' User ')).toBe(accountKey('user'));
  });
});
