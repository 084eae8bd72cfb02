// GET /export/games.csv for staff: the `games` query's filters as query parameters, streamed
// batch by batch along the keyset so memory stays flat however many games there are.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Router, type Request } from 'express';
import type { Game } from '../../db/schema.js';
import type { AppContext } from '../../context.js';
import { BadInputError } from '../../domain/errors.js';
import { GAME_STATES } from '../../domain/game-states.js';
import { createLoaders } from '../../graphql/loaders.js';
import {
  iterateGames,
  type GameFilterInput,
  type GameOrderName,
  type GamesArgs,
} from '../../services/game-query.service.js';
import { csvStringifier, type CsvValue } from '../csv.js';
import { authorize, sendError } from './route-auth.js';
import { STRICT_ROUTING } from './strict-routing.js';

export const EXPORT_BATCH = 500;
const ORDERS: readonly GameOrderName[] = ['CREATED_ASC', 'CREATED_DESC', 'SCORE_DESC', 'UPDATED_DESC'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const EXPORT_COLUMNS = [
  'game_id',
  'show_id',
  'show',
  'show_date',
  'state',
  'player_id',
  'first_name',
  'last_name',
  'mobile_number',
  'email',
  'team',
  'score',
  'distance',
  'homeruns',
  'recall_count',
  'created_at',
  'updated_at',
  'queued_at',
  'recalled_at',
  'confirmed_at',
  'playing_at',
  'completed_at',
  'cancelled_at',
  'cancel_reason',
  'souvenir_url',
] as const;

function isDay(value: string): boolean {
  if (!DAY.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(value);
}

/** Query parameters → the `games` arguments; every bad parameter is reported at once. */
export function exportArgs(query: Request['query']): Omit<GamesArgs, 'first' | 'after'> {
  const text = (name: string) =>
    typeof query[name] === 'string' && query[name] !== '' ? (query[name] as string) : undefined;
  const fields: Record<string, string> = {};
  const filter: GameFilterInput = {};
  const state = text('state');
  if (state !== undefined) {
    if ((GAME_STATES as readonly string[]).includes(state)) filter.state = state as GameFilterInput['state'];
    else fields.state = `must be one of ${GAME_STATES.join(', ')}`;
  }
  filter.showId = text('showId');
  filter.team = text('team');
  for (const name of ['createdOn', 'updatedOn'] as const) {
    const day = text(name);
    if (day !== undefined && !isDay(day)) fields[name] = 'must be a date YYYY-MM-DD';
    else filter[name] = day;
  }
  const orderBy = text('orderBy') ?? 'CREATED_ASC';
  if (!ORDERS.includes(orderBy as GameOrderName)) fields.orderBy = `must be one of ${ORDERS.join(', ')}`;
  if (Object.keys(fields).length) throw new BadInputError(fields);
  return { filter, orderBy: orderBy as GameOrderName };
}

async function rowsOf(app: AppContext, batch: Game[]): Promise<CsvValue[][]> {
  // Fresh loaders per batch: batched lookups without caching the whole export in memory.
  const loaders = createLoaders(() => app.database.read);
  const [players, shows] = await Promise.all([
    loaders.player.loadMany(batch.map((g) => g.playerId)),
    loaders.show.loadMany(batch.map((g) => g.showId)),
  ]);
  const teamIds = players.map((p) => (p && !(p instanceof Error) ? p.teamId : null));
  const teams = await loaders.team.loadMany(teamIds.filter((id): id is number => id !== null));
  const teamName = new Map(teams.flatMap((t) => (t && !(t instanceof Error) ? [[t.id, t.name] as const] : [])));
  return batch.map((g, i) => {
    const p = players[i] instanceof Error ? null : players[i];
    const s = shows[i] instanceof Error ? null : shows[i];
    return [
      g.id,
      g.showId,
      s?.name,
      s?.date,
      g.state,
      g.playerId,
      p?.firstName,
      p?.lastName,
      p?.mobileNumber,
      p?.email,
      p?.teamId ? teamName.get(p.teamId) : null,
      g.score,
      g.distance,
      g.homeruns,
      g.recallCount,
      g.createdAt,
      g.updatedAt,
      g.queuedAt,
      g.recalledAt,
      g.confirmedAt,
      g.playingAt,
      g.completedAt,
      g.cancelledAt,
      g.cancelReason,
      g.souvenirUrl,
    ];
  });
}

export function exportRoutes(app: AppContext): Router {
  const router = Router(STRICT_ROUTING);
  router.get('/export/games.csv', async (req, res) => {
    const viewer = await authorize(app, req, res, ['STAFF']);
    if (!viewer) return;
    let args: ReturnType<typeof exportArgs>;
    try {
      args = exportArgs(req.query);
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      return sendError(res, 400, 'BAD_USER_INPUT', err.message, { fields: err.fields });
    }
    const log = app.log.child({ route: 'export', account: viewer.username });
    const batches = iterateGames(app.database.read, args, app.config.timeZone, EXPORT_BATCH);
    let first: IteratorResult<Game[]>;
    try {
      first = await batches.next();
    } catch (err) {
      // Headers go out only once the first batch has been read, so a bad filter still gets a JSON error.
      if (err instanceof BadInputError)
        return sendError(res, 400, 'BAD_USER_INPUT', err.message, { fields: err.fields });
      throw err;
    }
    res.status(200);
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="games-${new Date(app.now()).toISOString().slice(0, 10)}.csv"`,
    );
    res.setHeader('Cache-Control', 'no-store');
    let rows = 0;
    // Batch by batch along the keyset; pipeline() waits for the client to drain and stops reading
    // when it goes away.
    async function* records(): AsyncGenerator<CsvValue[]> {
      try {
        for (let batch = first; !batch.done; batch = await batches.next()) {
          yield* await rowsOf(app, batch.value);
          rows += batch.value.length;
        }
      } finally {
        await batches.return(undefined);
      }
    }
    try {
      await pipeline(Readable.from(records()), csvStringifier(EXPORT_COLUMNS), res);
      log.info({ rows, filter: args.filter }, 'games exported');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
        log.info({ rows }, 'export stopped: the client went away');
        return;
      }
      log.error({ err, rows }, 'export failed');
      // Mid-stream a status can no longer be sent: cut the download so it is not mistaken for complete.
      res.destroy(err as Error);
    }
  });
  return router;
}
