import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../src/domain/login-throttle.js';

describe('login throttle', () => {
  it('refuses an address after the limit of failures within the window, then lets it retry', () => {
    const t = createLoginThrottle(3, 60_000);
    for (let i = 0; i < 3; i++) t.failed('1.2.3.4', 1_000 + i);
    expect(t.retryAfter('1.2.3.4', 2_000)).toBe(59_000);
    expect(t.retryAfter('5.6.7.8', 2_000)).toBe(0);
    expect(t.retryAfter('1.2.3.4', 61_001)).toBe(0);
  });

  it('forgets failures after a success', () => {
    const t = createLoginThrottle(2, 60_000);
    t.failed('a', 0);
    t.succeeded('a');
    t.failed('a', 1);
    expect(t.retryAfter('a', 2)).toBe(0);
  });
});
