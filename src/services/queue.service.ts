// The queue snapshot of one show: what the tablet shows and what queueChanged sends.
// Self-contained (one read-only transaction, three statements) so live updates can compute it
// once per show per burst and share it among all subscribers.
import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { CallContext } from '../context.js';
import { inIds, type Db, type Executor } from '../db/client.js';
import { gameEvents, games, shows, type Game, type Show } from '../db/schema.js';
import { NotFoundError } from '../domain/errors.js';
import { ESTIMATE_SAMPLE_SIZE, estimateWaits } from '../domain/wait-estimate.js';
import { resolveShowId } from './show.service.js';

export interface QueueSnapshot {
  show: Show;
  /** The latest game_events id of the show (0 if none): grows with every change. */
  version: number;
  playing: Game[];
  confirmed: Game[];
  recalled: Game[];
  waiting: Array<{ position: number; game: Game; estimatedWaitSeconds: number | null }>;
  activeRecalls: number;
  recallWindowSize: number;
}

const QUEUE_STATES = ['PLAYING', 'CONFIRMED', 'RECALLED', 'QUEUED'] as const;

const byTime = (a: Date | null, b: Date | null) => (a?.getTime() ?? 0) - (b?.getTime() ?? 0);
const sortBy = (key: 'playingAt' | 'confirmedAt' | 'recalledAt' | 'queuedAt') => (a: Game, b: Game) =>
  byTime(a[key], b[key]) || a.id - b.id;

/** The queue of the show named by `showId`, or of the current show, as the call reads it now. */
export async function queueOf(c: CallContext, showId?: string | null): Promise<QueueSnapshot> {
  const id = await resolveShowId(c.read, showId);
  return loadQueue(c.read, id, { now: c.now(), recall: c.app.config.recall });
}

export async function loadQueue(
  db: Db,
  showId: number,
  opts: { now: Date; recall: Config['recall'] },
): Promise<QueueSnapshot> {
  // Repeatable read: the version, the games and the history come from one snapshot,
  // so a client never sees a version that does not match the games it came with.
  const [showRows, rows, durations] = await db.transaction(
    (tx) =>
      Promise.all([
        tx
          .select({
            show: shows,
            version: sql<string>`(select coalesce(max(${gameEvents.id}), 0) from ${gameEvents} where ${gameEvents.showId} = ${showId})`,
          })
          .from(shows)
          .where(eq(shows.id, showId)),
        tx
          .select()
          .from(games)
          .where(and(eq(games.showId, showId), inArray(games.state, [...QUEUE_STATES]))),
        tx
          .select({ seconds: sql<number>`extract(epoch from ${games.completedAt} - ${games.playingAt})::float8` })
          .from(games)
          .where(
            and(
              eq(games.showId, showId),
              eq(games.state, 'COMPLETED'),
              isNotNull(games.playingAt),
              isNotNull(games.completedAt),
            ),
          )
          .orderBy(desc(games.completedAt), desc(games.id))
          .limit(ESTIMATE_SAMPLE_SIZE),
      ]),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  const head = showRows[0];
  if (!head) throw new NotFoundError('Show', showId);

  const inState = (state: Game['state']) => rows.filter((g) => g.state === state);
  const playing = inState('PLAYING').sort(sortBy('playingAt'));
  const confirmed = inState('CONFIRMED').sort(sortBy('confirmedAt'));
  const recalled = inState('RECALLED').sort(sortBy('recalledAt'));
  const queued = inState('QUEUED').sort(sortBy('queuedAt'));

  const nowMs = opts.now.getTime();
  const windowStart = nowMs - opts.recall.windowMinutes * 60_000;
  const activeRecalls = recalled.filter((g) => g.recalledAt && g.recalledAt.getTime() > windowStart).length;
  const waits = estimateWaits({
    recentDurationsSeconds: durations.map((d) => Number(d.seconds)),
    playingElapsedSeconds: playing.map((g) => (g.playingAt ? (nowMs - g.playingAt.getTime()) / 1000 : 0)),
    aheadOfQueue: confirmed.length + recalled.length,
    waiting: queued.length,
    typicalSeconds: head.show.typicalGameMinutes * 60,
  });

  return {
    show: head.show,
    version: Number(head.version),
    playing,
    confirmed,
    recalled,
    waiting: queued.map((game, i) => ({ position: i + 1, game, estimatedWaitSeconds: waits[i] ?? null })),
    activeRecalls,
    recallWindowSize: opts.recall.windowSize,
  };
}

/** Where one game stands: its place among the waiting and its estimated wait (both null once called). */
export interface Place {
  /** 1-based among the show's QUEUED games; for a NEW game, the place it would take if queued now. */
  position: number | null;
  estimatedWaitSeconds: number | null;
}

/**
 * The place of one game, read on `db` (a transaction sees its own writes: texts rendered in the
 * change that causes them give the place after the change). The same rules as the queue snapshot.
 */
export async function placeOf(db: Executor, game: Pick<Game, 'id' | 'showId' | 'state'>, now: Date): Promise<Place> {
  if (game.state !== 'QUEUED' && game.state !== 'NEW') return { position: null, estimatedWaitSeconds: null };
  const rows = await db
    .select({ id: games.id, state: games.state, playingAt: games.playingAt })
    .from(games)
    .where(and(eq(games.showId, game.showId), inArray(games.state, [...QUEUE_STATES])))
    .orderBy(games.queuedAt, games.id);
  const [show] = await db.select({ typical: shows.typicalGameMinutes }).from(shows).where(eq(shows.id, game.showId));
  const durations = await db
    .select({ seconds: sql<number>`extract(epoch from ${games.completedAt} - ${games.playingAt})::float8` })
    .from(games)
    .where(
      and(
        eq(games.showId, game.showId),
        eq(games.state, 'COMPLETED'),
        isNotNull(games.playingAt),
        isNotNull(games.completedAt),
      ),
    )
    .orderBy(desc(games.completedAt), desc(games.id))
    .limit(ESTIMATE_SAMPLE_SIZE);
  const queued = rows.filter((r) => r.state === 'QUEUED');
  const index = game.state === 'QUEUED' ? queued.findIndex((r) => r.id === game.id) : queued.length;
  if (index < 0) return { position: null, estimatedWaitSeconds: null };
  const waits = estimateWaits({
    recentDurationsSeconds: durations.map((d) => Number(d.seconds)),
    playingElapsedSeconds: rows
      .filter((r) => r.state === 'PLAYING')
      .map((r) => (r.playingAt ? (now.getTime() - r.playingAt.getTime()) / 1000 : 0)),
    aheadOfQueue: rows.filter((r) => r.state === 'CONFIRMED' || r.state === 'RECALLED').length,
    waiting: index + 1,
    typicalSeconds: (show?.typical ?? 0) * 60,
  });
  return { position: index + 1, estimatedWaitSeconds: waits[index] ?? null };
}

/** Position (1-based) of the given games among the QUEUED games of their shows; absent when not QUEUED. */
export async function queuePositions(db: Db, gameIds: readonly number[]): Promise<Map<number, number>> {
  if (gameIds.length === 0) return new Map();
  const ranked = db
    .select({
      id: games.id,
      position:
        sql<number>`row_number() over (partition by ${games.showId} order by ${games.queuedAt}, ${games.id})`.as(
          'position',
        ),
    })
    .from(games)
    .where(
      and(
        eq(games.state, 'QUEUED'),
        inArray(games.showId, db.select({ showId: games.showId }).from(games).where(inIds(games.id, gameIds))),
      ),
    )
    .as('ranked');
  const rows = await db.select().from(ranked).where(inIds(ranked.id, gameIds));
  return new Map(rows.map((r) => [r.id, Number(r.position)]));
}
