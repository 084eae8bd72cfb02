import { describe, expect, it } from 'vitest';
import { createAddressBudget, rateLimited } from '../../src/http/address-budget.js';
import { addressKey } from '../../src/http/client-address.js';
import { LruCache } from '../../src/http/document-cache.js';

describe('anonymous budget per address', () => {
  const clock = () => {
    let ms = 0;
    return { now: () => ms, advance: (s: number) => void (ms += s * 1000) };
  };

  it('pays from a bucket of `burst` points that refills at `perSecond`, refusing with the wait', () => {
    const t = clock();
    const budget = createAddressBudget({ perSecond: 100, burst: 1000 }, t.now);
    expect(budget.take('203.0.113.7', 900)).toBe(0);
    expect(budget.take('203.0.113.7', 200)).toBeCloseTo(1, 5); // 100 left, 100 more in 1 s
    expect(budget.take('203.0.113.7', 100)).toBe(0);
    // Another address has its own bucket.
    expect(budget.take('203.0.113.8', 1000)).toBe(0);
    t.advance(2);
    expect(budget.take('203.0.113.7', 200)).toBe(0);
    t.advance(60);
    expect(budget.take('203.0.113.7', 1000)).toBe(0); // refilled to the burst, no further
    expect(budget.take('203.0.113.7', 1)).toBeGreaterThan(0);
  });

  it('turns an address away at the door, after a refusal, until it could pay for what was refused', () => {
    const t = clock();
    const budget = createAddressBudget({ perSecond: 100, burst: 1000 }, t.now);
    expect(budget.admit('203.0.113.9', 2)).toBe(0);
    expect(budget.take('203.0.113.9', 900)).toBe(0); // 98 left
    expect(budget.take('203.0.113.9', 500)).toBeCloseTo(4.02, 5);
    // Small requests no longer get in, and pay nothing while refused.
    expect(budget.admit('203.0.113.9', 2)).toBeCloseTo(4.04, 5);
    t.advance(4);
    expect(budget.admit('203.0.113.9', 2)).toBeGreaterThan(0);
    t.advance(0.1);
    expect(budget.admit('203.0.113.9', 2)).toBe(0); // 508 - 2: the refused operation fits now
    expect(budget.take('203.0.113.9', 500)).toBe(0);
    expect(budget.admit('203.0.113.9', 2)).toBe(0); // paid: nothing owed any more
  });

  it('costs nothing and refuses nothing when turned off (0 per second)', () => {
    const budget = createAddressBudget({ perSecond: 0, burst: 1 });
    for (let i = 0; i < 1000; i++) expect(budget.take('198.51.100.1', 5000)).toBe(0);
    expect(budget.tracked).toBe(0);
  });

  it('forgets addresses whose bucket has refilled, so a spray of addresses does not grow it forever', () => {
    const t = clock();
    const budget = createAddressBudget({ perSecond: 1000, burst: 1000 }, t.now);
    for (let i = 0; i < 5000; i++) budget.take(`10.0.${i >> 8}.${i & 255}`, 10);
    t.advance(1);
    budget.take('192.0.2.1', 10);
    for (let i = 0; i < 3200; i++) budget.take(`10.1.${i >> 8}.${i & 255}`, 10);
    expect(budget.tracked).toBeLessThan(4000);
  });

  it('refuses with RATE_LIMITED, HTTP 429 and whole seconds to wait', () => {
    const err = rateLimited(0.2);
    expect(err.extensions.code).toBe('RATE_LIMITED');
    expect(err.extensions.retryAfterSeconds).toBe(1);
    expect((err.extensions.http as { status: number }).status).toBe(429);
  });
});

describe('addressKey', () => {
  it('keeps IPv4 (mapped or not) and groups IPv6 by /64', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:0db8:0001:0002:ffff:1:2:3')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('LruCache', () => {
  it('keeps entries up to a total weight, evicting the least recently used first', () => {
    const cache = new LruCache<string>(10, (_k, v) => v.length);
    cache.set('a', 'aaaa');
    cache.set('b', 'bbbb');
    expect(cache.get('a')).toBe('aaaa'); // a is now the most recently used
    cache.set('c', 'cccc'); // 12 > 10: b goes, not a (a FIFO would drop a)
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('aaaa');
    expect(cache.get('c')).toBe('cccc');
    expect(cache.weight).toBe(8);
    expect(cache.set('big', 'x'.repeat(11))).toBe('x'.repeat(11)); // answered, never kept
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
