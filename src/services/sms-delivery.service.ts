// One attempt at one text. The `messages` row, not the job, is the truth: an attempt first leases
// the row (no second attempt starts while one is in flight), and an attempt whose answer never
// came back (timeout, crash) is looked up at the provider before the text is sent again.
// Before calling Twilio an attempt checks that the text still matters (not too old, not stale),
// that the player's earlier texts went first, and that the breaker lets it call.
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { messages, type Message } from '../db/schema.js';
import { isTooOld, leaseSeconds, staleReason, type TextSituation } from '../domain/delivery.js';
import type { GameState } from '../domain/game-states.js';
import { smsJob } from '../jobs/registry.js';
import { recordProviderCall } from '../observability/metrics.js';
import { classifySendError, describeSendError, type SmsSendError } from '../sms/sender.js';
import { optedOutReason, UNSUBSCRIBED_ERROR_CODE } from '../domain/sms-keywords.js';
import { optOutOf, recordOptOut } from './opt-out.service.js';
import { permitCall, recordProviderAnswer, recordProviderFailure } from './provider-breaker.service.js';

/** How one attempt ended; `deferred` asks for another attempt later (the job is retried). */
export type AttemptOutcome =
  { outcome: 'sent' | 'skipped' | 'failed' } | { outcome: 'deferred'; reason: string; failure?: SmsSendError };

/** Provider clocks drift: a lookup reaches this far before the attempt began. */
const LOOKUP_SLACK_MS = 60_000;

/** Leases a queued message to this attempt; null when it is not queued or another attempt holds it. */
async function leaseMessage(c: CallContext, messageId: number): Promise<Message | null> {
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

interface Situation extends TextSituation {
  /** An earlier text to the same player is still queued: it goes first. */
  behind: boolean;
}

async function situationOf(c: CallContext, msg: Message): Promise<Situation> {
  const rows = await c.db.execute<{
    state: GameState | null;
    recalled_at: string | null;
    latest_recall: boolean;
    played: boolean;
    behind: boolean;
  }>(sql`
    select g.state, g.recalled_at::text,
           coalesce((select max(r.id) from messages r where r.game_id = g.id and r.kind = 'recall') = ${msg.id}, false)
             as latest_recall,
           exists (select 1 from games p where p.player_id = ${msg.playerId} and p.playing_at is not null) as played,
           exists (select 1 from messages b where b.player_id = ${msg.playerId} and b.status = 'queued' and b.id < ${msg.id})
             as behind
      from (select 1) one left join games g on g.id = ${msg.gameId}`);
  const row = rows[0]!;
  return {
    kind: msg.kind,
    game: row.state ? { state: row.state, recalledAt: row.recalled_at ? new Date(row.recalled_at) : null } : null,
    latestRecall: row.latest_recall,
    played: row.played,
    behind: row.behind,
  };
}

/** Wakes the player's next queued text at once instead of at its job's next backoff step. */
async function nudgeNext(c: CallContext, playerId: number): Promise<void> {
  const [next] = await c.db
    .select({ id: messages.id })
    .from(messages)
    .where(and(eq(messages.playerId, playerId), eq(messages.status, 'queued')))
    .orderBy(asc(messages.id))
    .limit(1);
  if (next) await smsJob.send(c.app.boss, { messageId: next.id });
}

/**
 * The provider is back: the first queued text of each waiting player gets a fresh job, oldest
 * first, so the backlog drains in order now rather than at each job's own backoff step.
 */
export async function drainBacklog(c: CallContext): Promise<number> {
  const firsts = await c.db.execute<{ id: number }>(sql`
    select min(id) as id from messages where status = 'queued' group by player_id order by min(id) limit 1000`);
  for (const { id } of firsts) await smsJob.send(c.app.boss, { messageId: id });
  c.log.info({ waiting: firsts.length }, 'sms provider is back; draining the backlog');
  return firsts.length;
}

/**
 * One attempt: lease, check the text still matters and may go now, look up an unanswered
 * earlier attempt, send, record. `lastAttempt` turns a transient failure into a final one.
 */
export async function attemptMessage(c: CallContext, messageId: number, lastAttempt: boolean): Promise<AttemptOutcome> {
  const msg = await leaseMessage(c, messageId);
  if (!msg) {
    const [row] = await c.db.select({ status: messages.status }).from(messages).where(eq(messages.id, messageId));
    if (row?.status !== 'queued') {
      c.log.debug({ messageId, status: row?.status ?? null }, 'message not queued (already handled or missing)');
      return { outcome: 'skipped' };
    }
    return { outcome: 'deferred', reason: 'another attempt holds the message' };
  }
  const log = c.log.child({ messageId, kind: msg.kind, gameId: msg.gameId });
  const { config } = c.app;
  const finish = async (outcome: 'sent' | 'failed' | 'skipped', set: Partial<typeof messages.$inferInsert>) => {
    await release(c, messageId, { status: outcome, unconfirmedSince: null, ...set });
    if (msg.playerId !== null) await nudgeNext(c, msg.playerId);
    return { outcome };
  };

  const now = c.now();
  const tooOld = isTooOld(msg.createdAt, now, config.jobs.deliveryMaxAgeMinutes);
  const answered = async () => {
    recordProviderCall('twilio', 'answered');
    if (await recordProviderAnswer(c.db, 'twilio')) await drainBacklog(c);
  };
  const unreachable = async (failure: SmsSendError, probe: boolean) => {
    recordProviderCall('twilio', 'transient');
    await recordProviderFailure(c.db, 'twilio', describeSendError(failure), probe, config.jobs.retryDelayMaxSeconds);
  };
  const markSent = (providerId: string) => finish('sent', { providerId, error: null });
  const expire = () => {
    // An unanswered attempt may still have gone out; without a provider to ask, it is recorded as failed.
    const error = `expired: not sent within DELIVERY_MAX_AGE_MINUTES (${config.jobs.deliveryMaxAgeMinutes})${msg.error ? `; last error: ${msg.error}` : ''}`;
    log.warn({ error }, 'sms expired unsent');
    return finish('failed', { error: error.slice(0, 500) });
  };

  // An earlier attempt whose answer never came back is settled first: had it gone out, the text was
  // sent, whatever has happened since (opt-out, a played game, a lapsed recall).
  if (msg.unconfirmedSince) {
    const permit = await permitCall(c.db, 'twilio', leaseSeconds(config.jobs.expireSeconds));
    if (!permit.call) {
      if (tooOld) return expire();
      await release(c, messageId, {});
      return { outcome: 'deferred', reason: `sms provider down; next probe at ${permit.nextProbeAt?.toISOString()}` };
    }
    let earlier: string | null;
    try {
      earlier = await findEarlierSend(c, msg, msg.unconfirmedSince);
      await answered();
    } catch (err) {
      const failure = classifySendError(err);
      // Nothing is known yet about the earlier attempt: it stays unconfirmed, never a second send.
      if (failure.permanent) await answered();
      else await unreachable(failure, permit.probe);
      if (tooOld) return expire();
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

  const optOut = await optOutOf(c.db, msg.to);
  if (optOut) {
    log.info({ since: optOut.optedOutAt }, 'sms skipped: the number opted out');
    return finish('skipped', { error: optedOutReason(optOut.optedOutAt) });
  }
  if (tooOld) return expire();
  const situation = await situationOf(c, msg);
  const stale = staleReason(situation, now, config.recall.windowMinutes);
  if (stale) {
    log.info({ reason: stale }, 'sms skipped: no longer matters');
    return finish('skipped', { error: stale });
  }
  if (situation.behind) {
    await release(c, messageId, {});
    return { outcome: 'deferred', reason: 'an earlier text to this player is still queued' };
  }
  const permit = await permitCall(c.db, 'twilio', leaseSeconds(config.jobs.expireSeconds));
  if (!permit.call) {
    await release(c, messageId, {});
    return { outcome: 'deferred', reason: `sms provider down; next probe at ${permit.nextProbeAt?.toISOString()}` };
  }

  const fail = async (failure: SmsSendError): Promise<AttemptOutcome> => {
    const error = describeSendError(failure);
    // Twilio knows the number replied STOP (perhaps before we saw it): no show texts it again.
    if (Number(failure.code) === UNSUBSCRIBED_ERROR_CODE)
      await recordOptOut(c.db, msg.to, `twilio ${failure.code}`, now);
    if (failure.permanent) await answered();
    else await unreachable(failure, permit.probe);
    if (failure.permanent || lastAttempt) {
      log.warn({ error, permanent: failure.permanent }, 'sms failed; not retrying');
      return finish('failed', { error });
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

  const [attempt] = await c.db
    .update(messages)
    .set({ attempts: sql`${messages.attempts} + 1`, unconfirmedSince: sql`clock_timestamp()`, updatedAt: sql`now()` })
    .where(eq(messages.id, messageId))
    .returning({ attempts: messages.attempts });
  try {
    const { providerId } = await c.app.sms.send(msg.to, msg.body);
    await markSent(providerId);
    log.info({ providerId, attempt: attempt?.attempts }, 'sms sent');
    await answered();
    return { outcome: 'sent' };
  } catch (err) {
    return fail(classifySendError(err));
  }
}
