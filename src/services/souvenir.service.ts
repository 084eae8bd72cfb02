// Souvenirs: render the card of a completed game, store it, record its URL and (once per game)
// text the player a short link to it.
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import {
  games,
  players,
  shows,
  souvenirFiles,
  teams,
  uploads,
  type Game,
  type Player,
  type Show,
  type Team,
} from '../db/schema.js';
import type { CallContext } from '../context.js';
import { formatPlayedOn, souvenirFileKeys, storyKeyOf } from '../domain/souvenir.js';
import type { CardData } from '../souvenir/card.js';
import type { RenderedSouvenir } from '../souvenir/render.js';
import { localMedia, randomKey } from '../storage/storage.js';
import { queueSms, type SouvenirOptions } from '../jobs/outbox.js';
import { uploadJob } from '../jobs/registry.js';
import { shorten } from './shortlink.service.js';
import { renderForGame } from './texts.service.js';

export interface SouvenirSubject {
  game: Game;
  player: Player;
  team: Team | null;
  show: Show;
}

export async function loadSubject(db: Db, gameId: number): Promise<SouvenirSubject | null> {
  const [row] = await db
    .select({ game: games, player: players, team: teams, show: shows })
    .from(games)
    .innerJoin(players, eq(players.id, games.playerId))
    .innerJoin(shows, eq(shows.id, games.showId))
    .leftJoin(teams, eq(teams.id, players.teamId))
    .where(eq(games.id, gameId));
  return row ?? null;
}

export function cardData({ game, player, team, show }: SouvenirSubject, defaultTimeZone: string): CardData {
  return {
    firstName: player.firstName,
    lastName: player.lastName,
    score: game.score,
    homeruns: game.homeruns,
    distance: game.distance,
    distanceUnit: show.distanceUnit,
    teamName: team?.name ?? null,
    teamColor: team?.color ?? null,
    showName: show.name,
    playedOn: formatPlayedOn(game.completedAt ?? game.updatedAt, show.timeZone ?? defaultTimeZone),
    sponsorLine: show.sponsorLine,
  };
}

/** A stored image the card uses; one that cannot be read is left out (a card without it), never a failed souvenir. */
async function storedImage(c: CallContext, key: string | null, what: string): Promise<Buffer | null> {
  if (!key) return null;
  try {
    const bytes = (await c.app.storage.get(key))?.bytes ?? null;
    if (!bytes) c.log.warn({ key }, `${what} missing from storage; the card is drawn without it`);
    return bytes;
  } catch (err) {
    c.log.warn({ err, key }, `${what} unreadable; the card is drawn without it`);
    return null;
  }
}

/** Everything the render needs: the card's data and the image bytes (the render itself reads nothing). */
export async function souvenirInputs(
  c: CallContext,
  subject: SouvenirSubject,
): Promise<{ data: CardData; photo: Buffer | null; logo: Buffer | null }> {
  const [photo, logo] = await Promise.all([
    storedImage(c, subject.player.photoKey, 'player photo'),
    storedImage(c, subject.show.logoKey, 'show logo'),
  ]);
  return { data: cardData(subject, c.app.config.timeZone), photo, logo };
}

export async function renderSubject(c: CallContext, subject: SouvenirSubject): Promise<RenderedSouvenir> {
  const { data, photo, logo } = await souvenirInputs(c, subject);
  // On a render thread: satori and resvg never hold the event loop.
  return c.app.renders.render(data, photo, logo);
}

export type SouvenirOutcome = 'rendered' | 'reused' | 'skipped';

/**
 * The souvenir job. The card is rendered and kept on local disk first (the venue's own server can
 * show it at once); with S3 an upload job copies it there and texts the link once S3 holds it, so
 * a phone never gets a link to something it cannot reach. Without S3 the local file is the
 * souvenir and its link (PUBLIC_BASE_URL) goes out now. With `notify` a game that already has its
 * souvenir is not rendered again (a retried job after the store), and the text is deduplicated by
 * `souvenir:<gameId>`.
 */
export async function produceSouvenir(
  call: CallContext,
  gameId: number,
  notify: boolean,
  { rerender = false, textKey }: SouvenirOptions = {},
): Promise<SouvenirOutcome> {
  const log = call.log.child({ gameId, notify, rerender, textKey });
  const c = { ...call, log };
  const db = c.db;
  const remote = Boolean(c.app.config.s3);
  const subject = await loadSubject(db, gameId);
  if (!subject || subject.game.state !== 'COMPLETED') {
    log.warn({ state: subject?.game.state ?? null }, 'souvenir skipped: no completed game');
    return 'skipped';
  }
  if (subject.player.erasedAt) {
    log.info('souvenir skipped: the player was erased');
    return 'skipped';
  }
  let url = subject.game.souvenirUrl;
  if (url && notify && !rerender) {
    // Rendered before (by an earlier run of this job, or for a resend): text it as it is, once S3
    // holds it. With S3 a first souvenir's upload job sends its own text; a resend of one S3 never
    // got (its upload failed or waits) renders again, so the player gets a link that works.
    const stored = !remote || (await isUploaded(db, gameId, subject.game.souvenirKey));
    if (stored) {
      await queueSouvenirText(c, subject, url, textKey);
      return 'reused';
    }
    if (!textKey) return 'reused';
  }
  const { square, story } = await renderSubject(c, subject);
  const key = randomKey('souvenirs', 'png');
  const local = localMedia(c.app.config);
  await local.put(storyKeyOf(key), story.png, 'image/png');
  url = await local.put(key, square.png, 'image/png');
  log.info(
    {
      key,
      bytes: square.png.length,
      storyBytes: story.png.length,
      ms: square.timings.totalMs,
      storyMs: story.timings.totalMs,
    },
    'souvenir rendered and kept on local disk',
  );
  const previous = subject.game.souvenirKey;
  // The stored souvenir is announced by the games trigger.
  const kept = await db.transaction(async (tx) => {
    // Erased while this card was being drawn: the card is not kept (erasure holds the player's row).
    const [owner] = await tx
      .select({ erasedAt: players.erasedAt })
      .from(players)
      .where(eq(players.id, subject.player.id))
      .for('share');
    if (owner?.erasedAt) return false;
    await tx.insert(souvenirFiles).values({ key, gameId, hasStory: true });
    await tx.update(games).set({ souvenirKey: key, souvenirUrl: url }).where(eq(games.id, gameId));
    if (previous && previous !== key) {
      // The replaced card's upload, if it still waits, has nothing left to upload.
      await tx
        .update(uploads)
        .set({ status: 'failed', error: 'replaced by a newer souvenir', updatedAt: sql`now()` })
        .where(and(eq(uploads.gameId, gameId), eq(uploads.key, previous), eq(uploads.status, 'pending')));
    }
    if (remote) {
      const [upload] = await tx
        .insert(uploads)
        .values({ key, gameId, notify: notify && Boolean(subject.player.mobileNumber), textKey: textKey ?? null })
        .returning({ id: uploads.id });
      await uploadJob.sendInTransaction(c.app.boss, tx, { uploadId: upload!.id });
    }
    return true;
  });
  if (!kept) {
    for (const k of souvenirFileKeys(key)) await local.delete(k);
    log.info('souvenir dropped: the player was erased meanwhile');
    return 'skipped';
  }
  if (previous && previous !== key) await deleteSouvenirFiles(c, previous);
  if (remote) log.info({ key }, 'souvenir upload queued');
  else if (notify) await queueSouvenirText(c, subject, url, textKey);
  return 'rendered';
}

/**
 * Removes a replaced souvenir's files, both sizes, from local disk and S3: its links follow the
 * game to the new card (see shortlink.service), so nothing points at them. A failure is logged,
 * not thrown: the new souvenir is already stored and recorded.
 */
export async function deleteSouvenirFiles(c: CallContext, squareKey: string): Promise<void> {
  const local = localMedia(c.app.config);
  try {
    for (const key of souvenirFileKeys(squareKey)) {
      await local.delete(key);
      if (c.app.config.s3) await c.app.storage.delete(key);
    }
    c.log.info({ key: squareKey }, 'replaced souvenir files deleted');
  } catch (err) {
    c.log.warn({ err, key: squareKey }, 'replaced souvenir files could not all be deleted');
  }
}

async function isUploaded(db: Executor, gameId: number, key: string | null): Promise<boolean> {
  if (!key) return false;
  const [row] = await db
    .select({ status: uploads.status })
    .from(uploads)
    .where(and(eq(uploads.gameId, gameId), eq(uploads.key, key)));
  return row?.status === 'uploaded';
}

/**
 * Texts the player a short link to their souvenir, once per `textKey`: the game's first souvenir
 * text is `souvenir:<gameId>`; a resend or a correction brings its own key.
 */
export async function queueSouvenirText(
  c: CallContext,
  subject: SouvenirSubject,
  url: string,
  textKey = `souvenir:${subject.game.id}`,
): Promise<void> {
  const to = subject.player.mobileNumber;
  if (!to) return;
  const { link, via } = await shorten(c, url);
  const body = await renderForGame(
    c.db,
    c,
    subject.show.souvenirMessage,
    { game: subject.game, firstName: subject.player.firstName },
    { url: link },
  );
  const messageId = await c.db.transaction((tx) =>
    queueSms(tx, c.app.boss, {
      kind: 'souvenir',
      playerId: subject.player.id,
      gameId: subject.game.id,
      to,
      body,
      dedupeKey: textKey,
    }),
  );
  c.log.info({ messageId, via, duplicate: messageId === null }, 'souvenir text queued');
}
