// Changes are announced on a Postgres channel; every API process LISTENs and fans out to its
// subscribers. Payloads are ids only: listeners re-read what they need.
import { sql, type SQL } from 'drizzle-orm';
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
 * measures it with the writes a transition makes (update the game, insert its event). On a quiet
 * 2-core machine (fsync on): in the transaction 1560 / 1194 / 1627 tx/s at 1 / 8 / 32 connections,
 * after commit 1198 / 1206 / 1523, without any notify 1651 / 1548 / 1613; under heavy load from
 * other work, after-commit pulled ahead at 8–32 connections (560–857 vs 327–604 tx/s). A booth makes
 * a few changes a second, far below either ceiling, so exact delivery wins.
 */
export async function announce(tx: Executor, change: Change): Promise<void> {
  await tx.execute(sql`select ${notifyOf(change)}`);
}

/** The NOTIFY as an expression, for a statement that writes and announces in one round trip. */
export function notifyOf(change: Change): SQL {
  return sql`pg_notify(${CHANNEL}, ${JSON.stringify(change)})`;
}
