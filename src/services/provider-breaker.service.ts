// The circuit breaker of each outside provider (Twilio, S3), kept in the database so every worker
// process obeys the same one. While a provider is up, every attempt calls it. Its first transient
// failure marks it down; from then on a single attempt at a time — the probe — may call it, once
// per backoff step, and every other attempt waits without a request. A probe that succeeds marks
// it up again and the backlog drains.
import { eq, sql, type SQL } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { deliveryProviders } from '../db/schema.js';
import { probeDelaySeconds, type DeliveryProvider } from '../domain/delivery.js';

export type Permit =
  | { call: true; probe: boolean }
  /** Down and not this attempt's turn to probe. */
  | { call: false; nextProbeAt: Date | null };

/**
 * May this attempt call the provider? Taking the probe is one guarded UPDATE on the provider's
 * row, so of many attempts (in any process) at most one gets it per step; its lease ends a probe
 * whose process died.
 */
export async function permitCall(db: Executor, provider: DeliveryProvider, leaseSeconds: number): Promise<Permit> {
  const rows = await db.execute<{ up: boolean; next_probe_at: string | null; probing: boolean }>(sql`
    with probe as (
      update delivery_providers
         set probe_until = now() + make_interval(secs => ${leaseSeconds})
       where provider = ${provider} and not up and next_probe_at <= now()
         and (probe_until is null or probe_until <= now())
      returning provider)
    select up, next_probe_at::text, exists (select 1 from probe) as probing
      from delivery_providers where provider = ${provider}`);
  const row = rows[0];
  if (!row || row.up) return { call: true, probe: false };
  if (row.probing) return { call: true, probe: true };
  return { call: false, nextProbeAt: row.next_probe_at ? new Date(row.next_probe_at) : null };
}

/**
 * The UPDATE that marks a down provider up, answering its row only when it was down; `when` gates it
 * inside a larger statement (a text's settle marks Twilio up only when Twilio answered).
 */
export function markUp(provider: DeliveryProvider, when: SQL = sql`true`): SQL {
  return sql`update ${deliveryProviders}
       set up = true, since = now(), failures = 0, next_probe_at = null, probe_until = null
     where ${when} and ${deliveryProviders.provider} = ${provider}::delivery_provider and not ${deliveryProviders.up}
    returning ${deliveryProviders.provider}`;
}

/** The provider answered (even with a refusal of one message): up. True when it was down until now. */
export async function recordProviderAnswer(db: Executor, provider: DeliveryProvider): Promise<boolean> {
  const rows = await db.execute(markUp(provider));
  return rows.length > 0;
}

/**
 * A transient failure (no answer, timeout, 5xx, 429). An up provider goes down; a failed probe
 * moves the next one a step further. Requests that were already in flight when it went down only
 * record their error.
 */
export async function recordProviderFailure(
  db: Executor,
  provider: DeliveryProvider,
  error: string,
  probe: boolean,
  capSeconds: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.insert(deliveryProviders).values({ provider }).onConflictDoNothing();
    const [row] = await tx
      .select()
      .from(deliveryProviders)
      .where(eq(deliveryProviders.provider, provider))
      .for('update');
    const lastError = error.slice(0, 500);
    if (row!.up || probe) {
      const failures = row!.up ? 1 : row!.failures + 1;
      await tx
        .update(deliveryProviders)
        .set({
          up: false,
          ...(row!.up ? { since: sql`now()` } : {}),
          failures,
          nextProbeAt: sql`now() + make_interval(secs => ${probeDelaySeconds(failures, capSeconds)})`,
          probeUntil: null,
          lastError,
          lastErrorAt: sql`now()`,
        })
        .where(eq(deliveryProviders.provider, provider));
    } else {
      await tx
        .update(deliveryProviders)
        .set({ lastError, lastErrorAt: sql`now()` })
        .where(eq(deliveryProviders.provider, provider));
    }
  });
}
