// The live side of one API process: the LISTEN connection feeds per-show and per-game topics,
// each loaded once per burst and shared by every subscriber in the process; the fan-out runs each
// subscription once for all identical subscribers and writes the results to their sockets.
//
// A new subscription is a resolver field whose `subscribe` returns one of the streams below; a new
// kind of live value is one more method here over its own topic map, touched in changed().
import { desc, eq } from 'drizzle-orm';
import { games, shows, type Game } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { NotFoundError } from '../domain/errors.js';
import { idOf } from '../domain/ids.js';
import { loadLighting, type LightingView } from '../services/lighting.service.js';
import { loadQueue, type QueueSnapshot } from '../services/queue.service.js';
import type { Change } from './announce.js';
import { createAccountGate, type AccountGate } from './account-gate.js';
import { createFanout, type Fanout } from './fanout.js';
import { startListener, type Listener } from './listener.js';
import { Topic, TopicGoneError, type LatestIterator } from './topic.js';

/** Long enough to absorb a burst (a completion and its auto-recalls), short enough to feel instant. */
export const COALESCE_MS = 25;

export interface LiveHub {
  /**
   * The show's queue now, then after every change; the current show (latest date, ties highest id)
   * when no id is given. Rejects with NotFoundError for an unknown show or when there is none.
   */
  queue(showId?: string | number | null): Promise<LatestIterator<QueueSnapshot>>;
  /** The game now, then after every change to it (and to its queue position). NotFoundError for an unknown game. */
  game(gameId: string | number): Promise<LatestIterator<Game>>;
  /** The show's lighting now (the current show when no id is given), then after every change of its cue or cue table. */
  lighting(showId?: string | number | null): Promise<LatestIterator<LightingView>>;
  /**
   * Hears every change and reconnect of this process's feed (the lighting controller follows the
   * game with it). Returns the function that stops it.
   */
  observe(observer: ChangeObserver): () => void;
  /** Feeds a change as if it came from Postgres (the listener calls this). */
  changed(change: Change): void;
  /** Reloads and resends everything (after the listener reconnects). */
  resync(): void;
  readonly listener: Listener;
  /** Whether a token's account still stands, kept current by account changes heard on the listener. */
  readonly accounts: AccountGate;
  /** Subscription executions shared by identical subscribers of this process, written to their sockets. */
  readonly fanout: Fanout;
  stats(): { shows: number; games: number; subscribers: number; loads: number };
  stop(): Promise<void>;
}

export interface ChangeObserver {
  changed(change: Change): void;
  resync(): void;
}

export function startLiveHub(app: AppContext): LiveHub {
  const log = app.log.child({ component: 'live' });
  const db = app.database.db; // the primary: a NOTIFY may arrive before a replica has the change
  const queues = new Map<number, Topic<QueueSnapshot>>();
  const gameTopics = new Map<number, Topic<Game>>();
  const lightingTopics = new Map<number, Topic<LightingView>>();
  const observers = new Set<ChangeObserver>();
  let retiredLoads = 0;

  function topicOf<K, T>(map: Map<K, Topic<T>>, key: K, load: () => Promise<T>, what: string): Topic<T> {
    let topic = map.get(key);
    if (!topic) {
      const created: Topic<T> = new Topic<T>({
        load,
        coalesceMs: COALESCE_MS,
        onError: (err) => log.error({ err, [what]: key }, 'could not reload live state'),
        onEmpty: () => {
          retiredLoads += created.loads;
          if (map.get(key) === created) map.delete(key);
        },
      });
      topic = created;
      map.set(key, topic);
    }
    return topic;
  }

  async function subscribe<K, T>(map: Map<K, Topic<T>>, key: K, load: () => Promise<T>, what: string) {
    // LISTEN first, then load: a change between the two is then heard, never lost.
    await hub.listener.ready.catch(() => {});
    for (;;) {
      try {
        return await topicOf(map, key, load, what).subscribe();
      } catch (err) {
        if (!(err instanceof TopicGoneError)) throw err;
      }
    }
  }

  const loadShowQueue = (showId: number) => () => loadQueue(db, showId, { now: app.now(), recall: app.config.recall });
  const loadGame = (gameId: number) => async () => {
    const [row] = await db.select().from(games).where(eq(games.id, gameId));
    if (!row) throw new NotFoundError('Game', gameId);
    return row;
  };

  async function currentShowId(): Promise<number> {
    const [row] = await app.database.read
      .select({ id: shows.id })
      .from(shows)
      .orderBy(desc(shows.date), desc(shows.id))
      .limit(1);
    if (!row) throw new NotFoundError('Show', 'current');
    return row.id;
  }

  const hub: LiveHub = {
    async queue(rawId) {
      const showId = rawId === undefined || rawId === null ? await currentShowId() : idOf('Show', rawId);
      return subscribe(queues, showId, loadShowQueue(showId), 'showId');
    },
    game(rawId) {
      const gameId = idOf('Game', rawId);
      return subscribe(gameTopics, gameId, loadGame(gameId), 'gameId');
    },
    async lighting(rawId) {
      const showId = rawId === undefined || rawId === null ? await currentShowId() : idOf('Show', rawId);
      const [exists] = await db.select({ id: shows.id }).from(shows).where(eq(shows.id, showId));
      if (!exists) throw new NotFoundError('Show', showId);
      return subscribe(lightingTopics, showId, () => loadLighting(db, showId), 'showId');
    },
    observe(observer) {
      observers.add(observer);
      return () => void observers.delete(observer);
    },
    changed(change) {
      for (const observer of observers) observer.changed(change);
      if (change.lighting) {
        lightingTopics.get(change.showId)?.touch();
        return;
      }
      queues.get(change.showId)?.touch();
      if (change.gameId !== undefined) gameTopics.get(change.gameId)?.touch();
      // A waiting game's place (and a NEW one's place-to-be) moves when others join or leave its show's queue.
      for (const [id, topic] of gameTopics) {
        const g = topic.latest;
        if (id !== change.gameId && g && g.showId === change.showId && (g.state === 'QUEUED' || g.state === 'NEW'))
          topic.touch();
      }
    },
    resync() {
      hub.accounts.resync();
      for (const topic of queues.values()) topic.touch();
      for (const topic of gameTopics.values()) topic.touch();
      for (const topic of lightingTopics.values()) topic.touch();
      for (const observer of observers) observer.resync();
    },
    listener: undefined as unknown as Listener,
    accounts: createAccountGate(db, () => hub.listener?.connected ?? false),
    fanout: createFanout(),
    stats() {
      const all = [...queues.values(), ...gameTopics.values(), ...lightingTopics.values()];
      return {
        shows: queues.size,
        games: gameTopics.size,
        subscribers: all.reduce((n, t) => n + t.size, 0),
        loads: retiredLoads + all.reduce((n, t) => n + t.loads, 0),
      };
    },
    async stop() {
      observers.clear();
      for (const topic of [...queues.values(), ...gameTopics.values(), ...lightingTopics.values()]) topic.dispose();
      await hub.listener.stop();
    },
  };
  (hub as { listener: Listener }).listener = startListener(
    app.database.primaryUrl,
    { onChange: hub.changed, onResync: hub.resync, onAccountChange: (id) => hub.accounts.changed(id) },
    log,
  );
  return hub;
}
