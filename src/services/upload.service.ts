// One attempt at copying a souvenir from local disk to S3. Uploads wait out an outage like texts
// do: retried until DELIVERY_MAX_AGE_MINUTES, behind the S3 circuit breaker, and the player's
// text with the link is queued only once S3 holds the file.
import { and, asc, eq, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { games, uploads } from '../db/schema.js';
import { isTooOld, leaseSeconds } from '../domain/delivery.js';
import { souvenirFileKeys } from '../domain/souvenir.js';
import { uploadJob } from '../jobs/registry.js';
import { recordProviderCall } from '../observability/metrics.js';
import { isTransientStorageError, localMedia } from '../storage/storage.js';
import { permitCall, recordProviderAnswer, recordProviderFailure } from './provider-breaker.service.js';
import { loadSubject, queueSouvenirText } from './souvenir.service.js';

export type UploadOutcome = { outcome: 'uploaded' | 'skipped' | 'failed' } | { outcome: 'deferred'; reason: string };

async function finish(c: CallContext, uploadId: number, status: 'failed', error: string) {
  await c.db
    .update(uploads)
    .set({ status, error: error.slice(0, 500), updatedAt: sql`now()` })
    .where(and(eq(uploads.id, uploadId), eq(uploads.status, 'pending')));
}

/** S3 is back: every pending upload gets a fresh job, oldest first. */
async function drainUploads(c: CallContext): Promise<void> {
  const pending = await c.db
    .select({ id: uploads.id })
    .from(uploads)
    .where(eq(uploads.status, 'pending'))
    .orderBy(asc(uploads.id))
    .limit(1000);
  for (const { id } of pending) await uploadJob.send(c.app.boss, { uploadId: id });
  c.log.info({ waiting: pending.length }, 'storage is back; draining pending uploads');
}

export async function attemptUpload(c: CallContext, uploadId: number): Promise<UploadOutcome> {
  const { config } = c.app;
  const [upload] = await c.db.select().from(uploads).where(eq(uploads.id, uploadId));
  if (!upload || upload.status !== 'pending') return { outcome: 'skipped' };
  const log = c.log.child({ uploadId, key: upload.key, gameId: upload.gameId });
  if (isTooOld(upload.createdAt, c.now(), config.jobs.deliveryMaxAgeMinutes)) {
    await finish(c, uploadId, 'failed', `expired: not uploaded within DELIVERY_MAX_AGE_MINUTES; ${upload.error ?? ''}`);
    log.warn('souvenir upload expired; the souvenir stays on local disk');
    return { outcome: 'failed' };
  }
  // Both sizes go up; the square card last, as the one whose upload makes the souvenir count as stored.
  const local = localMedia(config);
  const files: Array<{ key: string; bytes: Buffer; contentType: string }> = [];
  for (const key of [...souvenirFileKeys(upload.key)].reverse()) {
    const file = await local.get(key);
    // A souvenir rendered before the story size existed has only its square card.
    if (file) files.push({ key, ...file });
    else if (key === upload.key) {
      await finish(c, uploadId, 'failed', 'the local file is missing');
      log.error('souvenir upload failed: the local file is missing');
      return { outcome: 'failed' };
    }
  }
  const permit = await permitCall(c.db, 's3', leaseSeconds(config.jobs.expireSeconds * 2));
  if (!permit.call) return { outcome: 'deferred', reason: 'storage down' };

  await c.db
    .update(uploads)
    .set({ attempts: sql`${uploads.attempts} + 1`, updatedAt: sql`now()` })
    .where(eq(uploads.id, uploadId));
  let url = '';
  try {
    for (const file of files) url = await c.app.storage.put(file.key, file.bytes, file.contentType);
  } catch (err) {
    const error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    if (isTransientStorageError(err)) {
      recordProviderCall('s3', 'transient');
      await recordProviderFailure(c.db, 's3', error, permit.probe, config.jobs.retryDelayMaxSeconds);
      await c.db
        .update(uploads)
        .set({ error: error.slice(0, 500), updatedAt: sql`now()` })
        .where(eq(uploads.id, uploadId));
      log.warn({ error }, 'souvenir upload failed; will retry');
      return { outcome: 'deferred', reason: error };
    }
    recordProviderCall('s3', 'answered');
    await finish(c, uploadId, 'failed', error);
    log.error({ error }, 'souvenir upload refused; not retrying (the souvenir stays on local disk)');
    return { outcome: 'failed' };
  }
  recordProviderCall('s3', 'answered');
  if (await recordProviderAnswer(c.db, 's3')) await drainUploads(c);

  // Uploading is idempotent (same key, same bytes): of two attempts that both got here, one records it.
  const recorded = await c.db.transaction(async (tx) => {
    const [done] = await tx
      .update(uploads)
      .set({ status: 'uploaded', error: null, updatedAt: sql`now()` })
      .where(and(eq(uploads.id, uploadId), eq(uploads.status, 'pending')))
      .returning({ id: uploads.id });
    if (!done) return false;
    // A later render (a new photo) has its own key and upload; this one must not overwrite it.
    // The games trigger announces the new link.
    await tx
      .update(games)
      .set({ souvenirUrl: url })
      .where(and(eq(games.id, upload.gameId), eq(games.souvenirKey, upload.key)));
    return true;
  });
  if (!recorded) {
    // Replaced by a newer render while this one was on its way (its files were deleted then, maybe
    // before this upload finished): what was just uploaded must not stay behind.
    const [game] = await c.db.select({ key: games.souvenirKey }).from(games).where(eq(games.id, upload.gameId));
    if (game?.key !== upload.key) for (const file of files) await c.app.storage.delete(file.key).catch(() => undefined);
    return { outcome: 'skipped' };
  }
  log.info({ url }, 'souvenir uploaded');
  if (upload.notify) {
    const subject = await loadSubject(c.db, upload.gameId);
    if (subject) await queueSouvenirText(c, subject, url, upload.textKey ?? undefined);
  }
  return { outcome: 'uploaded' };
}
