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
 * measures it with the writes a transition makes (update the game, insert its event). Two runs on
 * a 2-core machine (fsync on, shared with other work): at 8 connections 327–604 tx/s in the
 * transaction vs 560–793 after commit; at 32, 391–450 vs 564–857; at one connection the
 * transaction is faster (188–247 vs 125–172 tx/s), as after-commit costs one more round trip.
 * A booth makes a few changes a second, two orders of magnitude below either ceiling, so exact
 * delivery wins.
 */
export async function announce(tx: Executor, change: Change): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`);
}
