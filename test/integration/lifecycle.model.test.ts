// Model-based test: random sequences of mutations from the tablet, the VR game and staff against
// the real server, each result compared with a small pure model of docs/design.md's rules.
import { and, asc, eq, inArray } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gameEvents, games } from '../../src/db/schema.js';
import { isRepeat, TRANSITIONS, type GameAction, type GameState } from '../../src/domain/game-states.js';
import { callContext } from '../../src/context.js';
import { runRecallPass } from '../../workers/recall.worker.js';
import { seedShow, testClock } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';
import { type Role } from '../../src/domain/roles.js';

const SIZE = 2;
const WINDOW_MIN = 20;
const clock = testClock();
const server = await useTestServer({
  now: clock.now,
  worker: false,
  // The model leaves no-shows out (test/integration/no-show.test.ts covers them): at most 20 ticks
  // of 25 minutes never reach a day.
  env: { RECALL_WINDOW_SIZE: String(SIZE), RECALL_WINDOW_MINUTES: String(WINDOW_MIN), NO_SHOW_MINUTES: '1440' },
});
const db = server.app.context.database.db;

const MAY: Record<GameAction | 'signUp' | 'startGame', Role[]> = {
  signUp: ['TABLET', 'STAFF'],
  startGame: ['TABLET', 'STAFF'],
  queue: ['TABLET', 'STAFF'],
  recall: ['TABLET', 'STAFF'],
  confirm: ['TABLET', 'STAFF'],
  play: ['VR_GAME', 'STAFF'],
  complete: ['VR_GAME', 'STAFF'],
  cancel: ['TABLET', 'VR_GAME', 'STAFF'],
};
const STAMP_OF: Partial<Record<GameState, 'queuedAt' | 'confirmedAt' | 'playingAt' | 'completedAt' | 'cancelledAt'>> = {
  QUEUED: 'queuedAt',
  CONFIRMED: 'confirmedAt',
  PLAYING: 'playingAt',
  COMPLETED: 'completedAt',
  CANCELLED: 'cancelledAt',
};
const FINISHED: GameState[] = ['COMPLETED', 'CANCELLED'];

interface MGame {
  id: number;
  playerId: number;
  state: GameState;
  recallCount: number;
  recalledAt: number | null;
  queuedAt: number | null;
  confirmedAt: number | null;
  playingAt: number | null;
  completedAt: number | null;
  cancelledAt: number | null;
}
/** `manual`: games whose latest recall was a person's recallGame, which the window does not limit. */
interface Model {
  showId: number;
  players: Array<{ id: number; mobile: boolean }>;
  games: MGame[];
  manual: Set<number>;
}
type Real = { showId: number };

function apply(g: MGame, to: GameState, now: number) {
  g.state = to;
  if (to === 'RECALLED') {
    g.recalledAt = now;
    g.recallCount += 1;
  }
  const stamp = STAMP_OF[to];
  if (stamp) g[stamp] ??= now;
}

/** docs/design.md's auto-recall, restated over the model. */
function modelAutoRecall(m: Model, now: number) {
  const active = m.games.filter((g) => g.state === 'RECALLED' && g.recalledAt! > now - WINDOW_MIN * 60_000).length;
  const mobile = new Set(m.players.filter((p) => p.mobile).map((p) => p.id));
  const queue = m.games
    .filter((g) => g.state === 'QUEUED' && mobile.has(g.playerId))
    .sort((a, b) => a.queuedAt! - b.queuedAt! || a.id - b.id);
  for (const g of queue.slice(0, Math.max(SIZE - active, 0))) {
    apply(g, 'RECALLED', now);
    m.manual.delete(g.id);
  }
}

const newGame = (id: number, playerId: number): MGame => ({
  id,
  playerId,
  state: 'NEW',
  recallCount: 0,
  recalledAt: null,
  queuedAt: null,
  confirmedAt: null,
  playingAt: null,
  completedAt: null,
  cancelledAt: null,
});

/** The database must match the model exactly, and the invariants must hold. */
async function compare(m: Model) {
  const rows = await db.select().from(games).where(eq(games.showId, m.showId)).orderBy(asc(games.id));
  const t = (d: Date | null) => d?.getTime() ?? null;
  expect(
    rows.map((r) => ({
      id: r.id,
      playerId: r.playerId,
      state: r.state,
      recallCount: r.recallCount,
      recalledAt: t(r.recalledAt),
      queuedAt: t(r.queuedAt),
      confirmedAt: t(r.confirmedAt),
      playingAt: t(r.playingAt),
      completedAt: t(r.completedAt),
      cancelledAt: t(r.cancelledAt),
    })),
  ).toEqual(m.games);
  const now = clock.now().getTime();
  // Auto-recall never fills the window past its size; a person's recallGame is not limited by it
  // (docs/design.md's table), so only the system's active recalls are bounded.
  const active = rows.filter((r) => r.state === 'RECALLED' && r.recalledAt!.getTime() > now - WINDOW_MIN * 60_000);
  expect(active.filter((r) => !m.manual.has(r.id)).length).toBeLessThanOrEqual(SIZE);
  for (const p of m.players)
    expect(rows.filter((r) => r.playerId === p.id && !FINISHED.includes(r.state)).length).toBeLessThanOrEqual(1);
  if (rows.length) {
    const events = await db
      .select()
      .from(gameEvents)
      .where(
        inArray(
          gameEvents.gameId,
          rows.map((r) => r.id),
        ),
      )
      .orderBy(asc(gameEvents.id));
    for (let i = 1; i < events.length; i++)
      expect(events[i]!.at.getTime()).toBeGreaterThanOrEqual(events[i - 1]!.at.getTime());
    for (const r of rows) {
      const chain = events.filter((e) => e.gameId === r.id);
      chain.forEach((e, i) => expect(e.fromState).toBe(i === 0 ? null : chain[i - 1]!.toState));
      expect(chain.at(-1)!.toState).toBe(r.state);
    }
  }
}

async function call(role: Role, query: string, variables: Record<string, unknown>) {
  return server.gql(query, variables, await server.token(role));
}

/** 0 → 'a', 25 → 'z', 26 → 'ba', …: names without digits (a name may not hold a phone number). */
function letters(n: number): string {
  let out = '';
  do {
    out = String.fromCharCode(97 + (n % 26)) + out;
    n = Math.floor(n / 26);
  } while (n > 0);
  return out;
}

class SignUp implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly role: Role,
    readonly mobile: boolean,
  ) {}
  check = () => true;
  async run(m: Model) {
    const r = await call(this.role, `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`, {
      i: {
        // A distinct name for each sign-up: identical sign-ups seconds apart are one double tap.
        firstName: `M${letters(m.players.length)}`,
        handedness: 'LEFT',
        showId: String(m.showId),
        mobileNumber: this.mobile ? '+14155552671' : null,
      },
    });
    if (!MAY.signUp.includes(this.role)) {
      expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    } else {
      expect(r.errors).toBeUndefined();
      const id = Number(r.data.signUp.id);
      const [g] = await db
        .select()
        .from(games)
        .where(and(eq(games.playerId, id)));
      m.players.push({ id, mobile: this.mobile });
      m.games.push(newGame(g!.id, id));
    }
    await compare(m);
  }
  toString = () => `signUp(${this.role}, mobile=${this.mobile})`;
}

class Act implements fc.AsyncCommand<Model, Real> {
  /** `legal`: aim at a game the action can move (when there is one), so sequences get deep. */
  constructor(
    readonly role: Role,
    readonly action: GameAction,
    readonly pick: number,
    readonly legal: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.games.length > 0;
  async run(m: Model) {
    const movable = m.games.filter((g) => TRANSITIONS[this.action].from.includes(g.state));
    const pool = this.legal && movable.length ? movable : m.games;
    const g = pool[this.pick % pool.length]!;
    const name = `${this.action}Game`;
    const extra = this.action === 'complete' ? ', result: { score: 3, distance: 300, homeruns: 1 }' : '';
    const r = await call(this.role, `mutation($id: ID!) { ${name}(id: $id${extra}) { id state } }`, {
      id: String(g.id),
    });
    const t = TRANSITIONS[this.action];
    if (!MAY[this.action].includes(this.role)) expect(r.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Every completion here sends the same result, so completing a COMPLETED game is a retry too.
    else if (isRepeat(this.action, g.state, true)) expect(r.data[name].state).toBe(g.state);
    else if (!t.from.includes(g.state))
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', from: g.state, to: t.to });
    else {
      expect(r.errors).toBeUndefined();
      expect(r.data[name].state).toBe(t.to);
      const now = clock.now().getTime();
      apply(g, t.to, now);
      if (this.action === 'recall') m.manual.add(g.id);
      if (t.freesSlot) modelAutoRecall(m, now);
    }
    await compare(m);
  }
  toString = () => `${this.action}(${this.role}, #${this.pick}${this.legal ? ', legal' : ''})`;
}

class StartGame implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.players.length > 0;
  async run(m: Model) {
    const p = m.players[this.pick % m.players.length]!;
    const r = await call('TABLET', `mutation($p: ID!, $s: ID) { startGame(playerId: $p, showId: $s) { id state } }`, {
      p: String(p.id),
      s: String(m.showId),
    });
    const latest = m.games.filter((g) => g.playerId === p.id).at(-1)!;
    if (!FINISHED.includes(latest.state)) expect(r.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    else {
      expect(r.errors).toBeUndefined();
      m.games.push(newGame(Number(r.data.startGame.id), p.id));
    }
    await compare(m);
  }
  toString = () => `startGame(#${this.pick})`;
}

class Tick implements fc.AsyncCommand<Model, Real> {
  constructor(readonly minutes: number) {}
  check = () => true;
  async run(m: Model) {
    clock.advance(this.minutes * 60_000);
    // The periodic pass, as the recall worker runs it.
    await runRecallPass(callContext(server.app.context), { showId: m.showId });
    modelAutoRecall(m, clock.now().getTime());
    await compare(m);
  }
  toString = () => `tick(${this.minutes} min)`;
}

// Weighted towards permitted callers, movable games and queueing, so sequences get deep and the
// recall window is often full; a minority of calls are refused or illegal on purpose.
const ROLES: Role[] = ['TABLET', 'VR_GAME', 'STAFF'];
const action = fc.constantFrom<GameAction>(
  'queue',
  'queue',
  'queue',
  'queue',
  'recall',
  'confirm',
  'confirm',
  'play',
  'play',
  'complete',
  'complete',
  'cancel',
);
const act = fc.tuple(action, fc.nat(50), fc.nat(9)).map(([a, p, k]) => {
  const role = k < 8 ? MAY[a][p % MAY[a].length]! : ROLES[p % ROLES.length]!;
  return new Act(role, a, p, k < 7);
});
const commands = [
  fc
    .tuple(fc.constantFrom<Role>('TABLET', 'STAFF', 'TABLET', 'VR_GAME'), fc.constantFrom(true, true, true, false))
    .map(([r, mobile]) => new SignUp(r, mobile)),
  act,
  act,
  act,
  fc.nat(50).map((p) => new StartGame(p)),
  fc.integer({ min: 1, max: 25 }).map((min) => new Tick(min)),
];

describe('game lifecycle model', () => {
  it('matches the model and keeps the invariants over random command sequences', async () => {
    await fc.assert(
      // A few queued players up front, so the queue and the recall window have something to work on from the start.
      fc.asyncProperty(
        fc.array(fc.boolean(), { minLength: 3, maxLength: 6 }),
        fc.commands(commands, { maxCommands: 20, size: 'max' }),
        async (first, cmds) => {
          const show = await seedShow(server, { name: 'Model' });
          const initial = [
            ...first.map((mobile, i) => new SignUp(i % 2 ? 'STAFF' : 'TABLET', mobile || i < 3)),
            ...first.map((_, i) => new Act('TABLET', 'queue', i, true)),
          ];
          await fc.asyncModelRun(
            () => ({
              model: { showId: show.id, players: [], games: [], manual: new Set<number>() },
              real: { showId: show.id },
            }),
            [...initial, ...cmds],
          );
        },
      ),
      { numRuns: 6 },
    );
  }, 120_000);
});
