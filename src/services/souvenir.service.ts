// Souvenirs: render the card of a completed game, store it, record its URL and (once per game)
// text the player a short link to it.
import { and, eq } from 'drizzle-orm';
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
import type { CardData } from '../souvenir/card.js';
import type { RenderResult } from '../souvenir/render.js';
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

export function cardData({ game, player, team, show }: SouvenirSubject): CardData {
  return {
    firstName: player.firstName,
    lastName: player.lastName,
    score: game.score,
    homeruns: game.homeruns,
    distance: game.distance,
    teamName: team?.name ?? null,
    teamColor: team?.color ?? null,
    showName: show.name,
  };
}

/** Renders the card; a photo that cannot be read is replaced by the placeholder, never a failed souvenir. */
export async function renderSubject(c: CallContext, subject: SouvenirSubject): Promise<RenderResult> {
  let photo: Buffer | null = null;
  if (subject.player.photoKey) {
    try {
      photo = (await c.app.storage.get(subject.player.photoKey))?.bytes ?? null;
      if (!photo)
        c.log.warn(
          { playerId: subject.player.id, key: subject.player.photoKey },
          'player photo missing from storage; using the placeholder',
        );
    } catch (err) {
      c.log.warn({ err, playerId: subject.player.id }, 'player photo unreadable; using the placeholder');
    }
  }
  return c.app.renders.render(cardData(subject), photo);
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
  const { png, timings } = await renderSubject(c, subject);
  const key = randomKey('souvenirs', 'png');
  url = await localMedia(c.app.config).put(key, png, 'image/png');
  log.info({ key, bytes: png.length, ...timings }, 'souvenir rendered and kept on local disk');
  // The stored souvenir is announced by the games trigger.
  const kept = await db.transaction(async (tx) => {
    // Erased while this card was being drawn: the card is not kept (erasure holds the player's row).
    const [owner] = await tx
      .select({ erasedAt: players.erasedAt })
      .from(players)
      .where(eq(players.id, subject.player.id))
      .for('share');
    if (owner?.erasedAt) return false;
    await tx.insert(souvenirFiles).values({ key, gameId });
    await tx.update(games).set({ souvenirKey: key, souvenirUrl: url }).where(eq(games.id, gameId));
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
    await localMedia(c.app.config).delete(key);
    log.info('souvenir dropped: the player was erased meanwhile');
    return 'skipped';
  }
  if (remote) log.info({ key }, 'souvenir upload queued');
  else if (notify) await queueSouvenirText(c, subject, url, textKey);
  return 'rendered';
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
