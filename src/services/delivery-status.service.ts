// What staff, /readyz and /metrics see of deliveries waiting for the outside world: the backlog
// of texts and uploads, how old its oldest item is, and each provider's breaker.
import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { DELIVERY_PROVIDERS, type DeliveryProvider } from '../domain/delivery.js';

export interface ProviderStatus {
  provider: DeliveryProvider;
  up: boolean;
  /** When it last went down or came back; null when it never failed. */
  since: Date | null;
  /** Probes failed in a row while down. */
  failures: number;
  nextProbeAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
}

export interface DeliveryStatus {
  pendingMessages: number;
  pendingUploads: number;
  oldestPendingMessageAt: Date | null;
  oldestPendingUploadAt: Date | null;
  /** Seconds since the oldest pending text or upload was created; 0 when nothing waits. */
  oldestPendingAgeSeconds: number;
  /** Texts never sent because they no longer mattered (status skipped). */
  skippedMessages: number;
  providers: ProviderStatus[];
}

const date = (v: string | null) => (v ? new Date(v) : null);

export async function deliveryStatus(db: Executor, now: Date): Promise<DeliveryStatus> {
  const [counts] = await db.execute<{
    pending_messages: number;
    oldest_message: string | null;
    skipped: number;
    pending_uploads: number;
    oldest_upload: string | null;
  }>(sql`
    select (select count(*)::int from messages where status = 'queued') as pending_messages,
           (select min(created_at)::text from messages where status = 'queued') as oldest_message,
           (select count(*)::int from messages where status = 'skipped') as skipped,
           (select count(*)::int from uploads where status = 'pending') as pending_uploads,
           (select min(created_at)::text from uploads where status = 'pending') as oldest_upload`);
  const rows = await db.execute<{
    provider: DeliveryProvider;
    up: boolean;
    since: string;
    failures: number;
    next_probe_at: string | null;
    last_error: string | null;
    last_error_at: string | null;
  }>(sql`select provider, up, since::text, failures, next_probe_at::text, last_error, last_error_at::text
           from delivery_providers`);
  const oldestMessage = date(counts!.oldest_message);
  const oldestUpload = date(counts!.oldest_upload);
  const oldest = [oldestMessage, oldestUpload].filter((d): d is Date => d !== null);
  const oldestAt = oldest.length ? Math.min(...oldest.map((d) => d.getTime())) : null;
  return {
    pendingMessages: counts!.pending_messages,
    pendingUploads: counts!.pending_uploads,
    oldestPendingMessageAt: oldestMessage,
    oldestPendingUploadAt: oldestUpload,
    oldestPendingAgeSeconds: oldestAt === null ? 0 : Math.max(0, Math.round((now.getTime() - oldestAt) / 1000)),
    skippedMessages: counts!.skipped,
    providers: DELIVERY_PROVIDERS.map((provider) => {
      const row = rows.find((r) => r.provider === provider);
      return {
        provider,
        up: row?.up ?? true,
        since: date(row?.since ?? null),
        failures: row?.failures ?? 0,
        nextProbeAt: date(row?.next_probe_at ?? null),
        lastError: row?.last_error ?? null,
        lastErrorAt: date(row?.last_error_at ?? null),
      };
    }),
  };
}
