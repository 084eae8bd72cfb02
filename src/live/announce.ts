// Changes are announced on a Postgres channel; every API process LISTENs and fans out to its
// subscribers. Payloads are ids only: listeners re-read what they need.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';

export const CHANNEL = 'mlb_changes';

export interface Change {
  showId: number;
  gameId?: number;
}

/**
 * Call inside the transaction that made the change: Postgres delivers it if and only if that commits.
 *
 * Why in the transaction and not after commit: a NOTIFY after commit is a second statement that a
 * crash, a lost connection or a thrown error between the two skips — the change is then never
 * announced, and subscribers in every process show a stale queue until the next change. Inside
 * the transaction delivery is exact. The price is Postgres' notify lock, held from pre-commit until
 * the commit record is flushed, which serializes notifying commits; bench/announce.bench.ts
 * measures it with the writes a transition makes (update the game, insert its event). On a
 * 2-core machine (fsync on, shared with other work) that cost 36–56 % of raw commit throughput
 * at 8–32 connections (327 vs 560 tx/s after commit at 8, 450 vs 564 at 32), and nothing at one
 * connection, where after-commit is slower (188 vs 125 tx/s: one more round trip per mutation).
 * A booth makes a few changes a second, two orders of magnitude below either ceiling, so exact
 * delivery wins.
 */
export async function announce(tx: Executor, change: Change): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`);
}
