// The outbox: work a change causes is written in the change's own transaction.
import type { PgBoss } from 'pg-boss';
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { prepared } from '../db/prepared.js';
import { messages } from '../db/schema.js';
import { smsJob, souvenirJob } from './registry.js';

export interface SmsRequest {
  kind: 'welcome' | 'recall' | 'souvenir' | 'no_show' | 'reply';
  playerId: number;
  gameId?: number | null;
  to: string;
  body: string;
  /**
   * One message per triggering event: e.g. `welcome:<playerId>`, `recall:<eventId>`. A second
   * request with the same key is ignored, so a retried or duplicated job never texts twice.
   */
  dedupeKey: string;
}

/** Records the message (status queued) and its `sms` job; returns the message id, or null if already recorded. */
const insertMessage = prepared('message_queue', (db) => {
  const p = (name: string) => sql.placeholder(name);
  return db
    .insert(messages)
    .values({
      kind: p('kind'),
      playerId: p('playerId'),
      gameId: p('gameId'),
      to: p('to'),
      body: p('body'),
      dedupeKey: p('dedupeKey'),
    })
    .onConflictDoNothing({ target: messages.dedupeKey })
    .returning({ id: messages.id });
});

export async function queueSms(tx: Executor, boss: PgBoss, req: SmsRequest): Promise<number | null> {
  const [row] = await insertMessage(tx, { ...req, gameId: req.gameId ?? null });
  if (!row) return null;
  await smsJob.sendInTransaction(boss, tx, { messageId: row.id });
  return row.id;
}

/** Asks the souvenir worker to render (and, with `notify`, text) the souvenir of a completed game. */
export async function queueSouvenir(
  tx: Executor,
  boss: PgBoss,
  gameId: number,
  notify: boolean,
  options: SouvenirOptions = {},
): Promise<void> {
  await souvenirJob.sendInTransaction(boss, tx, { gameId, notify, ...options });
}

export interface SouvenirOptions {
  /** Render anew even when the game has a souvenir (its result was corrected). */
  rerender?: boolean;
  /** The text's dedupe key, when it is not the game's first souvenir text (`souvenir:<gameId>`). */
  textKey?: string;
}
