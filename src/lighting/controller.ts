// The booth's lights follow the game. Runs in the one API process that owns the outputs (the nuc),
// on the change feed the subscriptions use: a game's new transition picks its cue (confirm → the
// player's team, play → in-game, complete or cancel with nothing else playing → attract), which is
// recorded as the show's lighting in a transaction of its own, never inside the mutation's. Every
// lighting change (automatic, setLighting, the legacy endpoint, a cue table edit) puts the current
// show's cue on the outputs.
import { and, desc, eq, gt, max, ne } from 'drizzle-orm';
import type { AppContext } from '../context.js';
import type { LightingConfig } from '../config.js';
import { gameEvents, games, lightingStates, players, teams } from '../db/schema.js';
import { automaticCue, cueFrame, DMX_MIN_FRAME, findCue } from '../domain/lighting.js';
import { SYSTEM_ACTOR } from '../domain/roles.js';
import type { LiveHub } from '../live/hub.js';
import { lightingCueChanges } from '../observability/metrics.js';
import { cueTable, loadLighting, writeLightingState } from '../services/lighting.service.js';
import { currentShow } from '../services/show.service.js';
import { startArtnetOutput } from './artnet.js';
import { startEnttecOutput } from './enttec.js';
import type { LightingOutput, OutputStatus } from './output.js';

/** Games whose last handled transition is remembered; older ones are long finished. */
const REMEMBERED_GAMES = 10_000;

export interface LightingStatus {
  /** The show whose cue is on the outputs (the current show), and that cue. */
  showId: number | null;
  cue: string | null;
  outputs: OutputStatus[];
  /** Some output is down: the booth may be dark, the game goes on. */
  degraded: boolean;
}

export interface LightingController {
  status(): LightingStatus;
  stop(): Promise<void>;
}

/** Lighting runs when it is not disabled and some output is configured. */
export function lightingEnabled(config: LightingConfig): boolean {
  return !config.disable && (config.dmxPath !== undefined || config.artnet !== undefined);
}

export function startLightingOutputs(config: LightingConfig, log: AppContext['log']): LightingOutput[] {
  const outputs: LightingOutput[] = [];
  if (config.dmxPath) outputs.push(startEnttecOutput(config.dmxPath, log));
  if (config.artnet) outputs.push(startArtnetOutput(config.artnet, log));
  return outputs;
}

export function startLightingController(app: AppContext, hub: LiveHub): LightingController {
  const log = app.log.child({ component: 'lighting' });
  const db = app.database.db; // the primary: a NOTIFY may arrive before a replica has the change
  const outputs = startLightingOutputs(app.config.lighting, log);
  // Transitions up to `floor` happened before this process started: they are history, not cues.
  let floor = Number.MAX_SAFE_INTEGER;
  let highest = 0;
  const handled = new Map<number, number>();
  let onAir: { showId: number | null; cue: string | null } = { showId: null, cue: null };
  let stopped = false;

  // One step at a time, in the order the feed delivered them.
  let chain: Promise<void> = Promise.resolve();
  const enqueue = (step: () => Promise<void>) => {
    chain = chain.then(step).catch((err: unknown) => log.error({ err }, 'lighting could not follow a change'));
  };
  let refreshQueued = false;
  const refreshSoon = () => {
    if (refreshQueued) return;
    refreshQueued = true;
    enqueue(async () => {
      refreshQueued = false;
      await refresh();
    });
  };

  /** Puts the current show's cue on every output. */
  async function refresh(): Promise<void> {
    if (stopped) return;
    const show = await currentShow(db);
    if (!show) {
      onAir = { showId: null, cue: null };
      for (const o of outputs) o.show(new Uint8Array(DMX_MIN_FRAME));
      return;
    }
    const [view, table] = await Promise.all([loadLighting(db, show.id), cueTable(db, show.id)]);
    const frame = cueFrame(table, findCue(table, view.cue));
    if (onAir.showId !== show.id || onAir.cue !== view.cue) {
      log.info({ showId: show.id, cue: view.cue, by: view.changedBy }, 'lighting cue');
      lightingCueChanges.inc({ origin: view.changedBy === SYSTEM_ACTOR ? 'game' : 'set' });
    }
    onAir = { showId: show.id, cue: view.cue };
    for (const o of outputs) o.show(frame);
  }

  /** Acts on a game's newest transition, once. */
  async function follow(gameId: number): Promise<void> {
    const after = Math.max(floor, handled.get(gameId) ?? 0);
    const [event] = await db
      .select({ id: gameEvents.id, showId: gameEvents.showId, to: gameEvents.toState, teamName: teams.name })
      .from(gameEvents)
      .innerJoin(games, eq(games.id, gameEvents.gameId))
      .innerJoin(players, eq(players.id, games.playerId))
      .leftJoin(teams, eq(teams.id, players.teamId))
      .where(and(eq(gameEvents.gameId, gameId), gt(gameEvents.id, after)))
      .orderBy(desc(gameEvents.id))
      .limit(1);
    if (!event) return;
    handled.delete(gameId);
    handled.set(gameId, event.id);
    if (handled.size > REMEMBERED_GAMES) handled.delete(handled.keys().next().value!);
    highest = Math.max(highest, event.id);

    const table = await cueTable(db, event.showId);
    let otherPlaying = false;
    if (event.to === 'COMPLETED' || event.to === 'CANCELLED') {
      const [playing] = await db
        .select({ id: games.id })
        .from(games)
        .where(and(eq(games.showId, event.showId), eq(games.state, 'PLAYING'), ne(games.id, gameId)))
        .limit(1);
      otherPlaying = playing !== undefined;
    }
    const cue = automaticCue(table, { to: event.to, teamName: event.teamName }, otherPlaying);
    if (!cue) return;
    const [state] = await db
      .select({ cue: lightingStates.cue })
      .from(lightingStates)
      .where(eq(lightingStates.showId, event.showId));
    if (state?.cue === cue) return;
    await writeLightingState(db, event.showId, cue, app.now(), SYSTEM_ACTOR);
    refreshSoon();
  }

  /** After the feed reconnects: the transitions announced while it was away. */
  async function catchUp(): Promise<void> {
    const rows = await db
      .select({ gameId: gameEvents.gameId, last: max(gameEvents.id) })
      .from(gameEvents)
      .where(gt(gameEvents.id, Math.max(floor, highest)))
      .groupBy(gameEvents.gameId)
      .orderBy(max(gameEvents.id));
    for (const { gameId } of rows) await follow(gameId);
  }

  enqueue(async () => {
    const [row] = await db.select({ last: max(gameEvents.id) }).from(gameEvents);
    floor = highest = row?.last ?? 0;
    await refresh();
  });
  const unobserve = hub.observe({
    changed(change) {
      if (change.lighting) refreshSoon();
      else if (change.gameId !== undefined) {
        const gameId = change.gameId;
        enqueue(() => follow(gameId));
      }
    },
    resync() {
      enqueue(catchUp);
      refreshSoon();
    },
  });

  return {
    status() {
      const states = outputs.map((o) => o.status());
      return { ...onAir, outputs: states, degraded: states.some((s) => !s.up) };
    },
    async stop() {
      stopped = true;
      unobserve();
      await chain;
      await Promise.all(outputs.map((o) => o.close()));
    },
  };
}
