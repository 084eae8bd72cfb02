// The event report of one show: its history (game events, messages, short-link visits) read in a
// few queries and summed up by src/domain/report.ts.
import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { CallContext } from '../context.js';
import { gameEvents, games, messages, shortLinks, shows, souvenirFiles, type Show } from '../db/schema.js';
import { NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import { summarizeShow, type ShowSummary } from '../domain/report.js';

export interface ShowReport extends ShowSummary {
  show: Show;
  /** Souvenir short links (built-in) visited at least once. */
  souvenirLinksOpened: number;
  /** Every visit of those links. */
  souvenirLinkVisits: number;
  /** "Save image" taps on the souvenirs' share pages. */
  souvenirSaves: number;
  /** Shares through the phone's share sheet from those pages. */
  souvenirShares: number;
  generatedAt: Date;
}

export async function showReport(c: CallContext, rawId: string | number): Promise<ShowReport> {
  const showId = idOf('Show', rawId);
  const db = c.read;
  const [show] = await db.select().from(shows).where(eq(shows.id, showId));
  if (!show) throw new NotFoundError('Show', rawId);
  const [events, gameRows] = await Promise.all([
    db
      .select({ gameId: gameEvents.gameId, from: gameEvents.fromState, to: gameEvents.toState, at: gameEvents.at })
      .from(gameEvents)
      .where(eq(gameEvents.showId, showId))
      .orderBy(gameEvents.id),
    db.select({ id: games.id, playerId: games.playerId }).from(games).where(eq(games.showId, showId)),
  ]);
  const gameIds = gameRows.map((g) => g.id);
  const playerIds = [...new Set(gameRows.map((g) => g.playerId))];
  // Texts about the show's games, and the welcome texts (no game) of its players.
  const [texts, links] = gameIds.length
    ? await Promise.all([
        db
          .select({ status: messages.status, providerId: messages.providerId, error: messages.error })
          .from(messages)
          .where(
            or(
              inArray(messages.gameId, gameIds),
              and(isNull(messages.gameId), inArray(messages.playerId, playerIds), eq(messages.kind, 'welcome')),
            ),
          ),
        db
          .select({ hits: shortLinks.hits, saves: shortLinks.saves, shares: shortLinks.shares })
          .from(shortLinks)
          .innerJoin(souvenirFiles, sql`${shortLinks.url} like '%/' || ${souvenirFiles.key}`)
          .where(inArray(souvenirFiles.gameId, gameIds)),
      ])
    : [[], []];
  const summary = summarizeShow(events, new Map(gameRows.map((g) => [g.id, g.playerId])), texts, c.app.config.timeZone);
  return {
    show,
    ...summary,
    souvenirLinksOpened: links.filter((l) => l.hits > 0).length,
    souvenirLinkVisits: links.reduce((n, l) => n + l.hits, 0),
    souvenirSaves: links.reduce((n, l) => n + l.saves, 0),
    souvenirShares: links.reduce((n, l) => n + l.shares, 0),
    generatedAt: c.now(),
  };
}
