// Erasure of a player who asks to be forgotten (or whose data outlived PLAYER_RETENTION_DAYS):
// names become "Erased"; number, e-mail, photo and profile id go; the photo and every souvenir file
// are deleted from storage (local disk and S3) and their short links answer 410 Gone; texts to the
// player are redacted. Games stay, anonymised, so team scores and the day's counts remain true.
import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { inTransaction, type CallContext } from '../context.js';
import { games, messages, players, shortLinks, shows, souvenirFiles, uploads, type Player } from '../db/schema.js';
import { NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import { souvenirFileKeys } from '../domain/souvenir.js';
import { localMedia } from '../storage/storage.js';
import { recordAudit } from './audit.service.js';

export const ERASED_NAME = 'Erased';
export const REDACTED = '[erased]';

/**
 * Erases one player. The files go first, inside the transaction that holds the player: if storage
 * refuses, nothing is written and the call can be repeated; if the commit fails after, repeating
 * it deletes nothing twice. A player erased before is erased again (a file rendered since goes too).
 */
export async function erasePlayer(c: CallContext, rawId: string | number): Promise<Player> {
  const id = idOf('Player', rawId);
  const now = c.now();
  return inTransaction(c, async (tx) => {
    const [player] = await tx.select().from(players).where(eq(players.id, id)).for('update');
    if (!player) throw new NotFoundError('Player', rawId);
    const gameRows = await tx
      .select({ id: games.id, souvenirKey: games.souvenirKey })
      .from(games)
      .where(eq(games.playerId, id))
      .for('update');
    const gameIds = gameRows.map((g) => g.id);
    const rendered = gameIds.length
      ? await tx.select({ key: souvenirFiles.key }).from(souvenirFiles).where(inArray(souvenirFiles.gameId, gameIds))
      : [];
    const souvenirKeys = [...new Set([...gameRows.map((g) => g.souvenirKey), ...rendered.map((r) => r.key)])].filter(
      (k): k is string => Boolean(k),
    );
    const keys = [...souvenirKeys.flatMap(souvenirFileKeys), ...(player.photoKey ? [player.photoKey] : [])];

    // Local disk holds every souvenir first (and everything without S3); S3 holds what was uploaded.
    const local = localMedia(c.app.config);
    for (const key of keys) {
      await local.delete(key);
      if (c.app.config.s3) await c.app.storage.delete(key);
    }

    const [erased] = await tx
      .update(players)
      .set({
        firstName: ERASED_NAME,
        lastName: null,
        mobileNumber: null,
        email: null,
        profileId: null,
        photoKey: null,
        photoUrl: null,
        erasedAt: now,
        updatedAt: now,
      })
      .where(eq(players.id, id))
      .returning();
    if (gameIds.length) {
      await tx.update(games).set({ souvenirKey: null, souvenirUrl: null }).where(inArray(games.id, gameIds));
      await tx
        .update(uploads)
        .set({ status: 'failed', error: 'player erased', updatedAt: now })
        .where(and(inArray(uploads.gameId, gameIds), eq(uploads.status, 'pending')));
    }
    // A text still waiting is not sent; every text keeps its status and history, not its words.
    await tx
      .update(messages)
      .set({
        to: REDACTED,
        body: REDACTED,
        status: sql`case when ${messages.status} = 'queued' then 'skipped'::message_status else ${messages.status} end`,
        error: sql`case when ${messages.status} = 'queued' then 'skipped: the player was erased' else ${messages.error} end`,
        updatedAt: now,
      })
      .where(eq(messages.playerId, id));
    if (souvenirKeys.length) {
      // Built-in short links point at /media/<key> of a souvenir.
      await tx
        .update(shortLinks)
        .set({ goneAt: now })
        .where(
          and(
            isNull(shortLinks.goneAt),
            or(...souvenirKeys.map((key) => sql`${shortLinks.url} like ${'%/' + escapeLike(key)}`)),
          ),
        );
    }
    await recordAudit(tx, c, 'player.erase', `player:${id}`, { files: keys.length, games: gameIds.length });
    return erased!;
  });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * The retention pass: erases players not yet erased whose last show ended more than
 * PLAYER_RETENTION_DAYS days ago (`today` is the calendar day in TZ). Returns how many.
 */
export async function eraseExpiredPlayers(c: CallContext, retentionDays: number, today: string): Promise<number> {
  const due = await c.db
    .select({ id: players.id })
    .from(players)
    .innerJoin(games, eq(games.playerId, players.id))
    .innerJoin(shows, eq(shows.id, games.showId))
    .where(isNull(players.erasedAt))
    .groupBy(players.id)
    .having(lt(sql`max(${shows.date})`, sql`${today}::date - ${retentionDays}::int`));
  for (const { id } of due) await erasePlayer(c, id);
  return due.length;
}
