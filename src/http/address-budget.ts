// What anonymous callers may spend, per address and per process, over HTTP and WebSocket alike: a
// token bucket of complexity points that refills at ANONYMOUS_COST_PER_SECOND up to
// ANONYMOUS_COST_BURST. An operation runs only if its address can pay for it. Signed-in accounts
// (the tablet, the VR rig, staff) never pay, so a flood from a public address cannot slow them.
import { GraphQLError } from 'graphql';
import { addressKey } from './client-address.js';

/** The refusal of an operation its address cannot pay for (HTTP 429; the transport adds Retry-After). */
export function rateLimited(waitSeconds: number): GraphQLError {
  const seconds = Math.max(1, Math.ceil(waitSeconds));
  return new GraphQLError(`Too many requests from this address; try again in ${seconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: seconds,
      http: { status: 429 },
    },
  });
}

export interface AddressBudget {
  /**
   * Before a request is read: pays `points` (its size) if the address can, beyond what it was last
   * refused; returns 0 when paid, else the seconds to wait (nothing taken). So once refused, an
   * address's requests are turned away at the door, cheaply, until it could pay for the refused one.
   */
  admit(address: string, points: number): number;
  /** Pays an operation's cost: 0 when paid, else the seconds until it could be (nothing taken; the cost is remembered). */
  take(address: string, points: number): number;
  /** Addresses with a bucket that is not full. */
  readonly tracked: number;
}

interface Bucket {
  points: number;
  at: number;
  /** The cost of the operation it was last refused, until it pays for one. */
  owed: number;
}

export function createAddressBudget(
  opts: { perSecond: number; burst: number },
  now: () => number = () => performance.now(),
): AddressBudget {
  if (opts.perSecond <= 0) return { admit: () => 0, take: () => 0, tracked: 0 };
  const buckets = new Map<string, Bucket>();
  // A full bucket is the same as none; forgetting them keeps the map to the addresses spending now.
  let sweepAt = 1024;
  const sweep = (t: number) => {
    for (const [key, b] of buckets)
      if (b.points + ((t - b.at) / 1000) * opts.perSecond >= opts.burst) buckets.delete(key);
    sweepAt = Math.max(1024, 2 * buckets.size);
  };
  const refill = (address: string): Bucket => {
    const t = now();
    const key = addressKey(address);
    let b = buckets.get(key);
    if (!b) {
      if (buckets.size >= sweepAt) sweep(t);
      b = { points: opts.burst, at: t, owed: 0 };
      buckets.set(key, b);
    } else {
      b.points = Math.min(opts.burst, b.points + ((t - b.at) / 1000) * opts.perSecond);
      b.at = t;
    }
    return b;
  };
  const wait = (b: Bucket, needed: number) => (Math.min(needed, opts.burst) - b.points) / opts.perSecond;
  return {
    admit(address, points) {
      const b = refill(address);
      const needed = points + b.owed;
      if (b.points < needed) return wait(b, needed);
      b.points -= points;
      return 0;
    },
    take(address, points) {
      const b = refill(address);
      if (b.points < points) {
        b.owed = Math.min(points, opts.burst);
        return wait(b, points);
      }
      b.points -= points;
      b.owed = 0;
      return 0;
    },
    get tracked() {
      return buckets.size;
    },
  };
}
