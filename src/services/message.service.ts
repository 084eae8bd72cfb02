// The SMS outbox as staff see it: messages per game, and sending one again as a new message.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { inIds, type Executor } from '../db/client.js';
import { messages, players, type Message } from '../db/schema.js';
import { ConflictError, NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import { queueSms, type SmsRequest } from '../jobs/outbox.js';
import { inTransaction, type CallContext } from '../context.js';

/** Messages of each game, oldest first, in the order of `gameIds`. */
export async function messagesOfGames(db: Executor, gameIds: readonly number[]): Promise<Message[][]> {
  const rows = gameIds.length
    ? await db.select().from(messages).where(inIds(messages.gameId, gameIds)).orderBy(asc(messages.id))
    : [];
  const byGame = new Map<number, Message[]>(gameIds.map((id) => [id, []]));
  for (const row of rows) byGame.get(row.gameId!)?.push(row);
  return gameIds.map((id) => byGame.get(id)!);
}

/**
 * Sends the text of a message again, as a new message (its own row, job and dedupe key), to the
 * player's current number — a corrected number is the usual reason to resend. A message still
 * waiting to be sent is not resent: that would text twice.
 */
export async function resendMessage(c: CallContext, rawId: string | number): Promise<Message> {
  const id = idOf('Message', rawId);
  return inTransaction(c, async (tx) => {
    const [original] = await tx.select().from(messages).where(eq(messages.id, id)).for('update');
    if (!original) throw new NotFoundError('Message', rawId);
    if (original.direction === 'inbound' || original.playerId === null)
      throw new ConflictError(`Message ${id} was received, not sent; only a sent text can be resent`);
    if (original.status === 'queued')
      throw new ConflictError(`Message ${id} has not been sent yet; it will not be sent twice`, {
        status: original.status,
      });
    const [player] = await tx
      .select({ mobile: players.mobileNumber })
      .from(players)
      .where(eq(players.id, original.playerId));
    if (!player?.mobile) throw new ConflictError(`The player of message ${id} has no mobile number`);
    const newId = await queueSms(tx, c.app.boss, {
      kind: original.kind as SmsRequest['kind'],
      playerId: original.playerId,
      gameId: original.gameId,
      to: player.mobile,
      body: original.body,
      dedupeKey: `resend:${id}:${randomUUID()}`,
    });
    const [created] = await tx.select().from(messages).where(eq(messages.id, newId!));
    return created!;
  });
}

type DeliveryStatus = 'sent' | 'delivered' | 'failed';

/** Twilio's statuses we record, and the states each may replace (callbacks can arrive out of order). */
const DELIVERY: Record<string, { to: DeliveryStatus; from: Array<'queued' | DeliveryStatus> }> = {
  sent: { to: 'sent', from: ['queued'] },
  delivered: { to: 'delivered', from: ['queued', 'sent'] },
  read: { to: 'delivered', from: ['queued', 'sent'] },
  undelivered: { to: 'failed', from: ['queued', 'sent'] },
  failed: { to: 'failed', from: ['queued', 'sent'] },
  canceled: { to: 'failed', from: ['queued', 'sent'] },
};

/**
 * Records a provider's delivery report for the message it sent as `providerId`. Unknown statuses
 * and reports that would move a message backwards change nothing. Returns how many rows changed.
 */
export async function recordDelivery(
  db: Executor,
  providerId: string,
  status: string,
  errorCode: string | undefined,
  now: Date,
): Promise<number> {
  const move = DELIVERY[status.toLowerCase()];
  if (!move) return 0;
  const detail = move.to === 'failed' ? `delivery ${status}${errorCode ? `, code ${errorCode}` : ''}` : null;
  const updated = await db
    .update(messages)
    .set({ status: move.to, updatedAt: now, ...(detail ? { error: detail } : {}) })
    .where(and(eq(messages.providerId, providerId), inArray(messages.status, move.from)))
    .returning({ id: messages.id });
  return updated.length;
}
