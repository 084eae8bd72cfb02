// Changes are announced on a Postgres channel; every API process LISTENs and fans out to its
// subscribers. Payloads are ids only: listeners re-read what they need.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';

export const CHANNEL = 'mlb_changes';

export interface Change {
  showId: number;
  gameId?: number;
}

/** Call inside the transaction that made the change: Postgres delivers it only if that commits. */
export async function announce(tx: Executor, change: Change): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(change)})`);
}
