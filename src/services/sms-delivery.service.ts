// One attempt at one text. The `messages` row, not the job, is the truth: an attempt first leases
// the row (no second attempt starts while one is in flight), and an attempt whose answer never
// came back (timeout, crash) is looked up at the provider before the text is sent again.
// Before calling Twilio an attempt checks that the text still matters (not too old, not stale),
// that the player's earlier texts went first, and that the breaker lets it call.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { coalesced } from '../db/coalesce.js';
import { columnsOf, preparedRows, preparedSql } from '../db/prepared.js';
import { deliveryProviders, games, messages, optOuts, type Message } from '../db/schema.js';
import { isTooOld, leaseSeconds, staleReason, type TextSituation } from '../domain/delivery.js';
import type { GameState } from '../domain/game-states.js';
import { smsJob } from '../jobs/registry.js';
import { recordProviderCall } from '../observability/metrics.js';
import { classifySendError, describeSendError, type SmsSendError } from '../sms/sender.js';
import { optedOutReason, UNSUBSCRIBED_ERROR_CODE } from '../domain/sms-keywords.js';
import { recordOptOut } from './opt-out.service.js';
import {
  markUp,
  permitCall,
  recordProviderAnswer,
  recordProviderFailure,
  type Permit,
} from './provider-breaker.service.js';

/** How one attempt ended; `deferred` asks for another attempt later (the job is retried). */
export type AttemptOutcome =
  { outcome: 'sent' | 'skipped' | 'failed' } | { outcome: 'deferred'; reason: string; failure?: SmsSendError };

/** How an attempt ends a message for good. */
type FinalOutcome = Exclude<AttemptOutcome['outcome'], 'deferred'>;

/** Provider clocks drift: a lookup reaches this far before the attempt began. */
const LOOKUP_SLACK_MS = 60_000;

interface Situation extends TextSituation {
  /** An earlier text to the same player is still queued: it goes first. */
  behind: boolean;
}

/** What an attempt decides by, read with its lease: the opt-out, the text's situation, the breaker. */
interface Leased {
  msg: Message;
  optedOutAt: Date | null;
  situation: Situation;
  /** The provider was up when the lease was taken: the attempt may call it without asking for a permit. */
  providerUp: boolean;
}

type LeaseExtras = {
  optedOutAt: string | null;
  gameState: GameState | null;
  recalledAt: string | null;
  latestRecall: boolean;
  played: boolean;
  behind: boolean;
  providerUp: boolean;
};

// Every statement is a socket write and a round trip on the worker's event loop, shared with the
// API under `npm start`: the lease and all it decides by are one statement, and the end of an
// attempt (its record, the player's next text, the breaker) is another. Each is also shared by the
// texts of a fetched batch (db/coalesce.ts). The subqueries read the table as it was before the
// lease, so none of them sees the lease itself; a player's later text in the same batch sees the
// earlier one still queued, and waits behind it.
const leaseStatement = preparedRows<typeof messages, LeaseExtras>(
  'sms_lease',
  messages,
  ['optedOutAt', 'gameState', 'recalledAt', 'latestRecall', 'played', 'behind', 'providerUp'],
  () => sql`with leased as (
      update ${messages}
         set lease_until = now() + make_interval(secs => ${sql.placeholder('lease')}::int), updated_at = now()
       where ${messages.id} = any(${sql.placeholder('ids')}::int[]) and ${messages.status} = 'queued'
         and (${messages.leaseUntil} is null or ${messages.leaseUntil} <= now())
      returning ${messages}.*)
    select ${columnsOf(messages, 'leased')},
      (select o.opted_out_at::text from ${optOuts} o where o.mobile_number = leased.to),
      g.state, g.recalled_at::text,
      coalesce((select max(r.id) from ${messages} r where r.game_id = leased.game_id and r.kind = 'recall') = leased.id, false),
      exists (select 1 from ${games} p where p.player_id = leased.player_id and p.playing_at is not null),
      exists (select 1 from ${messages} b where b.player_id = leased.player_id and b.status = 'queued' and b.id < leased.id),
      coalesce((select d.up from ${deliveryProviders} d where d.provider = 'twilio'), true)
    from leased left join ${games} g on g.id = leased.game_id`,
);

type LeaseRow = Awaited<ReturnType<typeof leaseStatement>>[number];

/** Two attempts at one message in one batch: the first gets the lease, as if they had raced. */
const leaseRows = coalesced<{ id: number; lease: number }, LeaseRow | null>(async (db, asks) => {
  const rows = await leaseStatement(db, { ids: asks.map((a) => a.id), lease: asks[0]!.lease });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return asks.map(({ id }) => {
    const row = byId.get(id) ?? null;
    byId.delete(id);
    return row;
  });
});

/** Leases a queued message to this attempt; null when it is not queued or another attempt holds it. */
async function leaseMessage(c: CallContext, messageId: number): Promise<Leased | null> {
  const row = await leaseRows(c.db, { id: messageId, lease: leaseSeconds(c.app.config.jobs.expireSeconds) });
  if (!row) return null;
  const { optedOutAt, gameState, recalledAt, latestRecall, played, behind, providerUp, ...msg } = row;
  return {
    msg,
    optedOutAt: optedOutAt ? new Date(optedOutAt) : null,
    situation: {
      kind: msg.kind,
      game: gameState ? { state: gameState, recalledAt: recalledAt ? new Date(recalledAt) : null } : null,
      latestRecall,
      played,
      behind,
    },
    providerUp,
  };
}

/** Ends this attempt's hold on a queued message, recording `set` with it. */
async function release(c: CallContext, messageId: number, set: Partial<typeof messages.$inferInsert>) {
  await c.db
    .update(messages)
    .set({ leaseUntil: null, updatedAt: sql`now()`, ...set })
    .where(and(eq(messages.id, messageId), eq(messages.status, 'queued')));
}

const markStatement = preparedSql<{ id: number; attempts: number }>(
  'sms_attempt',
  () => sql`update ${messages}
       set attempts = attempts + 1, unconfirmed_since = clock_timestamp(), updated_at = now()
     where ${messages.id} = any(${sql.placeholder('ids')}::int[])
     returning id, attempts`,
);

/** Records an attempt before its request; answers the message's attempts so far. */
const markAttempt = coalesced(async (db, ids: number[]) => {
  const rows = await markStatement(db, { ids });
  return ids.map((id) => rows.find((row) => row.id === id)?.attempts ?? null);
});

const settleStatement = preparedSql<{ settled: Array<{ id: number; next: number | null }>; provider_back: boolean }>(
  'sms_settle',
  () => sql`with ending as (
      select * from unnest(${sql.placeholder('ids')}::int[], ${sql.placeholder('statuses')}::message_status[],
                           ${sql.placeholder('providerIds')}::text[], ${sql.placeholder('errors')}::text[])
        as e(id, status, provider_id, error)),
    settled as (
      update ${messages} m
         set status = e.status, lease_until = null, unconfirmed_since = null,
             provider_id = coalesce(e.provider_id, m.provider_id), error = e.error, updated_at = now()
        from ending e
       where m.id = e.id and m.status = 'queued'
      returning m.id, m.player_id),
    back as (${markUp('twilio', sql`${sql.placeholder('answered')}::boolean`)})
    select coalesce((select json_agg(json_build_object('id', s.id, 'next',
             (select min(n.id) from ${messages} n
               where n.player_id = s.player_id and n.status = 'queued' and n.id <> all(${sql.placeholder('ids')}::int[]))))
             from settled s), '[]') as settled,
           exists (select 1 from back) as provider_back`,
);

interface Ending {
  id: number;
  outcome: FinalOutcome;
  providerId: string | null;
  error: string | null;
  answered: boolean;
}

/** What settling one message calls for: the player's next text to wake, or the whole backlog. */
type Wake = { next: number | null; backlog: boolean };

const settleMessages = coalesced(async (db, endings: Ending[]): Promise<Wake[]> => {
  const [row] = await settleStatement(db, {
    ids: endings.map((e) => e.id),
    statuses: endings.map((e) => e.outcome),
    providerIds: endings.map((e) => e.providerId),
    errors: endings.map((e) => e.error),
    answered: endings.some((e) => e.answered),
  });
  const next = new Map(row!.settled.map((s) => [s.id, s.next]));
  // The provider came back: one drain wakes every player's first text, these players' included.
  return endings.map((e, i) =>
    row!.provider_back ? { next: null, backlog: i === 0 } : { next: next.get(e.id) ?? null, backlog: false },
  );
});

/**
 * Ends an attempt for good: records the outcome, and with `answered` marks the provider up. The
 * player's next queued text is woken at once instead of at its job's next backoff step; when the
 * provider has just come back, the whole backlog is.
 */
async function settle(
  c: CallContext,
  messageId: number,
  outcome: FinalOutcome,
  { providerId = null, error = null }: { providerId?: string | null; error?: string | null },
  answered = false,
): Promise<void> {
  if (answered) recordProviderCall('twilio', 'answered');
  const wake = await settleMessages(c.db, { id: messageId, outcome, providerId, error, answered });
  if (wake.backlog) await drainBacklog(c);
  else if (wake.next) await smsJob.send(c.app.boss, { messageId: wake.next });
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
  const leased = await leaseMessage(c, messageId);
  if (!leased) {
    const [row] = await c.db.select({ status: messages.status }).from(messages).where(eq(messages.id, messageId));
    if (row?.status !== 'queued') {
      c.log.debug({ messageId, status: row?.status ?? null }, 'message not queued (already handled or missing)');
      return { outcome: 'skipped' };
    }
    return { outcome: 'deferred', reason: 'another attempt holds the message' };
  }
  const { msg, situation } = leased;
  const log = c.log.child({ messageId, kind: msg.kind, gameId: msg.gameId });
  const { config } = c.app;
  const finish = async (outcome: FinalOutcome, set: { providerId?: string; error?: string }, answered = false) => {
    await settle(c, messageId, outcome, set, answered);
    return { outcome };
  };
  const permitted = async (): Promise<Permit> =>
    // Asking for a permit (and perhaps taking the probe) is needed only while the provider is down.
    leased.providerUp
      ? { call: true, probe: false }
      : permitCall(c.db, 'twilio', leaseSeconds(config.jobs.expireSeconds));

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
  const expire = () => {
    // An unanswered attempt may still have gone out; without a provider to ask, it is recorded as failed.
    const error = `expired: not sent within DELIVERY_MAX_AGE_MINUTES (${config.jobs.deliveryMaxAgeMinutes})${msg.error ? `; last error: ${msg.error}` : ''}`;
    log.warn({ error }, 'sms expired unsent');
    return finish('failed', { error: error.slice(0, 500) });
  };

  // An earlier attempt whose answer never came back is settled first: had it gone out, the text was
  // sent, whatever has happened since (opt-out, a played game, a lapsed recall).
  if (msg.unconfirmedSince) {
    const permit = await permitted();
    if (!permit.call) {
      if (tooOld) return expire();
      await release(c, messageId, {});
      return { outcome: 'deferred', reason: `sms provider down; next probe at ${permit.nextProbeAt?.toISOString()}` };
    }
    let earlier: string | null;
    try {
      earlier = await findEarlierSend(c, msg, msg.unconfirmedSince);
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
      await finish('sent', { providerId: earlier }, true);
      log.info({ providerId: earlier }, 'an unanswered attempt had been sent; recorded, not sent again');
      return { outcome: 'sent' };
    }
    await answered();
  }

  if (leased.optedOutAt) {
    log.info({ since: leased.optedOutAt }, 'sms skipped: the number opted out');
    return finish('skipped', { error: optedOutReason(leased.optedOutAt) });
  }
  if (tooOld) return expire();
  const stale = staleReason(situation, now, config.recall.windowMinutes);
  if (stale) {
    log.info({ reason: stale }, 'sms skipped: no longer matters');
    return finish('skipped', { error: stale });
  }
  if (situation.behind) {
    await release(c, messageId, {});
    return { outcome: 'deferred', reason: 'an earlier text to this player is still queued' };
  }
  const permit = await permitted();
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

  // Recorded before the request: should no answer come back, the next attempt asks the provider first.
  const attempts = await markAttempt(c.db, messageId);
  try {
    const { providerId } = await c.app.sms.send(msg.to, msg.body);
    await finish('sent', { providerId }, true);
    log.info({ providerId, attempt: attempts }, 'sms sent');
    return { outcome: 'sent' };
  } catch (err) {
    return fail(classifySendError(err));
  }
}
