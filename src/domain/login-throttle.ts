// Slows password guessing: after `limit` failures from one address within `windowMs`,
// that address is refused until the window has passed. Pure: the caller passes the time.
export interface LoginThrottle {
  /** Milliseconds the caller must wait before trying again, or 0. */
  retryAfter(address: string, nowMs: number): number;
  failed(address: string, nowMs: number): void;
  succeeded(address: string): void;
}

export function createLoginThrottle(limit = 5, windowMs = 60_000, maxAddresses = 10_000): LoginThrottle {
  const failures = new Map<string, number[]>();
  const recent = (address: string, nowMs: number) => (failures.get(address) ?? []).filter((t) => nowMs - t < windowMs);
  return {
    retryAfter(address, nowMs) {
      const times = recent(address, nowMs);
      return times.length >= limit ? windowMs - (nowMs - times[0]!) : 0;
    },
    failed(address, nowMs) {
      // Bounded memory: forget the oldest address when a flood of new ones arrives.
      if (!failures.has(address) && failures.size >= maxAddresses) failures.delete(failures.keys().next().value!);
      failures.set(address, [...recent(address, nowMs), nowMs]);
    },
    succeeded(address) {
      failures.delete(address);
    },
  };
}
