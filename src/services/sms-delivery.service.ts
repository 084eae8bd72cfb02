// One attempt at one text. The `messages` row, not the job, is the truth: an attempt first leases
// the row (no second attempt starts while one is in flight), and an attempt whose answer never
// came back (timeout, crash) is looked up at the provider before the text is sent again.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { messages, type Message } from '../db/schema.js';
import { leaseSeconds } from '../domain/delivery.js';
import { classifySendError, describeSendError, type SmsSendError } from '../sms/sender.js';

/** How one attempt ended; `deferred` asks for another attempt later (the job is retried). */
export type AttemptOutcome =
  { outcome: 'sent' | 'skipped' | 'failed' } | { outcome: 'deferred'; reason: string; failure?: SmsSendError };

/** Provider clocks drift: a lookup reaches this far before the attempt began. */
const LOOKUP_SLACK_MS = 60_000;

/** Leases a queued message to this attempt; null when it is not queued or another attempt holds it. */
async function lease(c: CallContext, messageId: number): Promise<Message | null> {
  const [msg] = await c.db
    .update(messages)
    .set({
      leaseUntil: sql`now() + make_interval(secs => ${leaseSeconds(c.app.config.jobs.expireSeconds)})`,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(messages.id, messageId),
        eq(messages.status, 'queued'),
        sql`(${messages.leaseUntil} is null or ${messages.leaseUntil} <= now())`,
      ),
    )
    .returning();
  return msg ?? null;
}

/** Ends this attempt's hold on a queued message, recording `set` with it. */
async function release(c: CallContext, messageId: number, set: Partial<typeof messages.$inferInsert>) {
  await c.db
    .update(messages)
    .set({ leaseUntil: null, updatedAt: sql`now()`, ...set })
    .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
}

/**
 * Asks the provider for the text an unanswered attempt may have sent: the oldest it accepted
 * since then with this body to this number, not already recorded on another message.
 */
async function findEarlierSend(c: CallContext, msg: Message, since: Date): Promise<string | null> {
  const ids = await c.app.sms.findSent(msg.to, msg.body, new Date(since.getTime() - LOOKUP_SLACK_MS));
  if (!ids.length) return null;
  const taken = await c.db
    .select({ providerId: messages.providerId })
    .from(messages)
    .where(inArray(messages.providerId, ids));
  const free = ids.filter((id) => !taken.some((t) => t.providerId === id));
  return free.at(-1) ?? null;
}

/**
 * One attempt: lease, look up an unanswered earlier attempt, send, record. `lastAttempt` turns a
 * transient failure into a final one.
 */
export async function attemptMessage(c: CallContext, messageId: number, lastAttempt: boolean): Promise<AttemptOutcome> {
  const msg = await lease(c, messageId);
  if (!msg) {
    const [row] = await c.db.select({ status: messages.status }).from(messages).where(eq(messages.id, messageId));
    if (row?.status !== 'queued') {
      c.log.debug({ messageId, status: row?.status ?? null }, 'message not queued (already handled or missing)');
      return { outcome: 'skipped' };
    }
    return { outcome: 'deferred', reason: 'another attempt holds the message' };
  }
  const log = c.log.child({ messageId, kind: msg.kind, gameId: msg.gameId });

  const fail = async (failure: SmsSendError): Promise<AttemptOutcome> => {
    const error = describeSendError(failure);
    if (failure.permanent || lastAttempt) {
      await release(c, messageId, { status: 'failed', error, unconfirmedSince: null });
      log.warn({ error, permanent: failure.permanent }, 'sms failed; not retrying');
      return { outcome: 'failed' };
    }
    // An unanswered attempt keeps its lease until the provider has had time to list what it accepted.
    if (failure.outcomeUnknown)
      await c.db
        .update(messages)
        .set({ error, updatedAt: sql`now()` })
        .where(eq(messages.id, messageId));
    else await release(c, messageId, { error, unconfirmedSince: null });
    log.warn({ error, outcomeUnknown: failure.outcomeUnknown }, 'sms send failed; will retry');
    return { outcome: 'deferred', reason: failure.message, failure };
  };

  const markSent = async (providerId: string) => {
    await release(c, messageId, { status: 'sent', providerId, error: null, unconfirmedSince: null });
  };

  if (msg.unconfirmedSince) {
    let earlier: string | null;
    try {
      earlier = await findEarlierSend(c, msg, msg.unconfirmedSince);
    } catch (err) {
      const failure = classifySendError(err);
      // Nothing is known yet about the earlier attempt: it stays unconfirmed, never a second send.
      await release(c, messageId, { error: describeSendError(failure) });
      log.warn({ err: failure.message }, 'could not ask the provider about an unanswered attempt; will retry');
      return { outcome: 'deferred', reason: failure.message, failure };
    }
    if (earlier) {
      await markSent(earlier);
      log.info({ providerId: earlier }, 'an unanswered attempt had been sent; recorded, not sent again');
      return { outcome: 'sent' };
    }
  }

  const [attempt] = await c.db
    .update(messages)
    .set({ attempts: sql`${messages.attempts} + 1`, unconfirmedSince: sql`clock_timestamp()`, updatedAt: sql`now()` })
    .where(eq(messages.id, messageId))
    .returning({ attempts: messages.attempts });
  try {
    const { providerId } = await c.app.sms.send(msg.to, msg.body);
    await markSent(providerId);
    log.info({ providerId, attempt: attempt?.attempts }, 'sms sent');
    return { outcome: 'sent' };
  } catch (err) {
    return fail(classifySendError(err));
  }
}
