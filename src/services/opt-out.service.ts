// Numbers that asked for no more texts. Recorded by STOP (and its carrier synonyms) or by Twilio's
// 21610 on a send; lifted by START. The SMS worker skips every text to an opted-out number.
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { optOuts } from '../db/schema.js';

/** Records the opt-out; an earlier one keeps its time. */
export async function recordOptOut(db: Executor, mobileNumber: string, source: string, at: Date): Promise<void> {
  await db.insert(optOuts).values({ mobileNumber, source, optedOutAt: at }).onConflictDoNothing();
}

/** Lifts the opt-out; true when there was one. */
export async function liftOptOut(db: Executor, mobileNumber: string): Promise<boolean> {
  const gone = await db.delete(optOuts).where(eq(optOuts.mobileNumber, mobileNumber)).returning();
  return gone.length > 0;
}
