// Booth traffic for the failure tests (failover, power loss): tablets and the VR rig driving a server
// over HTTP until it goes away. Each client signs players up (each with a mobile number of their
// own, so every text can be told apart), queues them, and then leaves them waiting, plays them to
// the end and starts their next game, cancels them and presses "play again" twice at once, or
// confirms them. Every mutation the server acknowledged is recorded, and so is the one a client had
// in flight when the server went away: that one may or may not have been committed.
import type postgres from 'postgres';
import { expect } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/roles.js';
import type { GameState } from '../../src/domain/game-states.js';
import { delay } from './ws.js';
import { postGql } from './server-process.js';

export interface TrackedGame {
  gameId: number;
  playerId: number;
  /** The states the server acknowledged moving this game to, in order (NEW first). */
  acked: GameState[];
  /** A move sent without an answer (the server died): it may have been committed. */
  inFlight?: GameState;
}

export interface TrackedPlayer {
  playerId: number;
  lastName: string;
  mobile: string;
}

export interface Traffic {
  readonly players: Map<number, TrackedPlayer>;
  readonly games: Map<number, TrackedGame>;
  /** Mutations acknowledged (answered with data and no error). */
  acknowledged(): number;
  /** Mutations refused or unanswered. */
  failed(): number;
  /** Stops the clients (they finish the request in hand) and waits for them. */
  stop(): Promise<void>;
}

export interface TrafficOptions {
  /** The server's base URL (read before each request, so a restarted server can be followed). */
  url: () => string;
  tablet: string;
  vrGame: string;
  showId: string;
  clients: number;
  /** Distinguishes this run's names (letters only). */
  tag: string;
  /** A fresh mobile number per sign-up. */
  nextMobile: () => string;
  /** Each client's first this many players only queue, so that the line is never empty. */
  waitingFirst?: number;
}

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { id activeGame { id } } }`;
const MOVE: Record<string, { field: string; to: GameState; args?: string }> = {
  queue: { field: 'queueGame', to: 'QUEUED' },
  confirm: { field: 'confirmGame', to: 'CONFIRMED' },
  play: { field: 'playGame', to: 'PLAYING' },
  complete: { field: 'completeGame', to: 'COMPLETED', args: ', result: { score: 900, distance: 380, homeruns: 2 }' },
  cancel: { field: 'cancelGame', to: 'CANCELLED' },
};
const START_GAME = `mutation($p: ID!) { startGame(playerId: $p) { id } }`;

/** Letters only (names may not hold digits enough to look like a phone number). */
export function letters(n: number): string {
  let s = '';
  for (let k = n; ; k = Math.floor(k / 26) - 1) {
    s = String.fromCharCode(97 + (k % 26)) + s;
    if (k < 26) break;
  }
  return s;
}

export function startTraffic(o: TrafficOptions): Traffic {
  const players = new Map<number, TrackedPlayer>();
  const games = new Map<number, TrackedGame>();
  let acknowledged = 0;
  let failed = 0;
  let running = true;

  async function call<T>(query: string, variables: Record<string, unknown>, token: string): Promise<T | null> {
    try {
      const r = await postGql<T>(o.url(), query, variables, token);
      if (r.data && !r.errors) {
        acknowledged++;
        return r.data;
      }
    } catch {
      // Connection refused or reset: the server is gone.
    }
    failed++;
    return null;
  }

  async function move(game: TrackedGame, action: keyof typeof MOVE): Promise<boolean> {
    const m = MOVE[action]!;
    const token = action === 'play' || action === 'complete' ? o.vrGame : o.tablet;
    game.inFlight = m.to;
    const data = await call(
      `mutation($id: ID!) { ${m.field}(id: $id${m.args ?? ''}) { id state } }`,
      {
        id: String(game.gameId),
      },
      token,
    );
    if (!data) return false;
    game.inFlight = undefined;
    game.acked.push(m.to);
    return true;
  }

  async function startNext(playerId: number): Promise<TrackedGame | null> {
    const data = await call<{ startGame: { id: string } }>(START_GAME, { p: String(playerId) }, o.tablet);
    if (!data) return null;
    const game: TrackedGame = { gameId: Number(data.startGame.id), playerId, acked: ['NEW'] };
    games.set(game.gameId, game);
    return game;
  }

  async function client(n: number) {
    for (let seq = 0; running; seq++) {
      const lastName = `${o.tag}${String.fromCharCode(97 + n)}${letters(seq)}`;
      const mobile = o.nextMobile();
      const data = await call<{ signUp: { id: string; activeGame: { id: string } } }>(
        SIGN_UP,
        { i: { firstName: 'Booth', lastName, handedness: 'RIGHT', showId: o.showId, mobileNumber: mobile } },
        o.tablet,
      );
      if (!data) {
        await delay(25);
        continue;
      }
      const playerId = Number(data.signUp.id);
      players.set(playerId, { playerId, lastName, mobile });
      const game: TrackedGame = { gameId: Number(data.signUp.activeGame.id), playerId, acked: ['NEW'] };
      games.set(game.gameId, game);
      if (!(await move(game, 'queue'))) continue;
      switch (seq < (o.waitingFirst ?? 0) ? 0 : seq % 4) {
        case 0:
          break; // waits to be recalled
        case 1: {
          if (!(await move(game, 'confirm')) || !(await move(game, 'play')) || !(await move(game, 'complete'))) break;
          const next = await startNext(playerId);
          if (next) await move(next, 'queue');
          break;
        }
        case 2: {
          if (!(await move(game, 'cancel'))) break;
          // "Play again" pressed on two tablets at once: one new game, one CONFLICT.
          await Promise.all([startNext(playerId), startNext(playerId)]);
          break;
        }
        case 3:
          await move(game, 'confirm');
          break;
      }
    }
  }

  const done = Promise.all(Array.from({ length: o.clients }, (_, n) => client(n)));
  return {
    players,
    games,
    acknowledged: () => acknowledged,
    failed: () => failed,
    async stop() {
      running = false;
      await done;
    },
  };
}

/**
 * Checks the database against what the traffic was told: every acknowledged player is there with
 * its name; every acknowledged move of a game is in its history, in order; after the last
 * acknowledged one, only the move that was in flight or an auto-recall may follow; every game's
 * state is the target of its last event; no player has two unfinished games.
 */
export async function expectAcknowledgedWrites(sql: postgres.Sql, traffic: Traffic): Promise<void> {
  const ids = [...traffic.players.keys()];
  const rows = await sql`select id, last_name from players where id = any(${ids}::int[])`;
  const names = new Map(rows.map((r) => [r.id as number, r.last_name as string]));
  const lostPlayers = [...traffic.players.values()].filter((p) => names.get(p.playerId) !== p.lastName);
  expect(lostPlayers, `${lostPlayers.length} acknowledged sign-ups lost`).toEqual([]);

  const gameIds = [...traffic.games.keys()];
  const events = await sql`
    select game_id, to_state::text, actor from game_events where game_id = any(${gameIds}::int[]) order by id`;
  const history = new Map<number, Array<{ to: GameState; actor: string | null }>>();
  for (const e of events) {
    const list = history.get(e.game_id as number) ?? [];
    list.push({ to: e.to_state as GameState, actor: e.actor as string | null });
    history.set(e.game_id as number, list);
  }
  const problems: string[] = [];
  for (const game of traffic.games.values()) {
    const h = history.get(game.gameId) ?? [];
    let i = 0;
    for (const state of game.acked) {
      while (i < h.length && h[i]!.to !== state) i++;
      if (i === h.length) {
        problems.push(
          `game ${game.gameId}: acknowledged ${game.acked.join('→')}, history ${h.map((e) => e.to).join('→')}`,
        );
        break;
      }
      i++;
    }
    let inFlight = game.inFlight;
    for (const e of h.slice(i)) {
      if (e.to === 'RECALLED' && e.actor === SYSTEM_ACTOR) continue;
      if (inFlight && e.to === inFlight) {
        inFlight = undefined;
        continue;
      }
      problems.push(`game ${game.gameId}: unexplained ${e.to} by ${e.actor} after ${game.acked.join('→')}`);
    }
  }
  expect(problems).toEqual([]);

  const drifted = await sql`
    select g.id, g.state::text, e.to_state::text as last_event
    from games g
    join lateral (select to_state from game_events where game_id = g.id order by id desc limit 1) e on true
    where g.state <> e.to_state`;
  expect(drifted, 'games whose state is not the target of their last event').toEqual([]);
  const doubled = await sql`
    select player_id, count(*)::int as active from games
    where state not in ('COMPLETED', 'CANCELLED') group by player_id having count(*) > 1`;
  expect(doubled, 'players with two unfinished games').toEqual([]);
}

export interface TextTally {
  sent: number;
  skipped: number;
  failed: number;
  /** Still queued: not sent yet, or sent with the answer not yet recorded. */
  pending: number;
  /** Requests Twilio accepted. */
  accepted: number;
}

/**
 * Every text the fake Twilio accepted against the messages table: a sent message holds the id of
 * exactly one accepted request to its number with its body; an accepted request recorded on no
 * message is allowed only while a queued message with that number and body may still claim it
 * (its sender died before recording the answer). So nothing is sent twice, and nothing marked sent
 * was not.
 */
export async function tallyTexts(
  sql: postgres.Sql,
  accepted: ReadonlyArray<{ sid?: string; to: string; body: string }>,
): Promise<TextTally> {
  const rows = await sql`select id, status::text, "to", body, provider_id from messages order by id`;
  const bySid = new Map(accepted.map((a) => [a.sid!, a]));
  const claimed = new Set<string>();
  const problems: string[] = [];
  const queuedByText = new Map<string, number>();
  const tally: TextTally = { sent: 0, skipped: 0, failed: 0, pending: 0, accepted: accepted.length };
  for (const m of rows) {
    const status = m.status as string;
    if (status === 'sent' || status === 'delivered') {
      tally.sent++;
      const request = bySid.get(m.provider_id as string);
      if (!request || request.to !== m.to || request.body !== m.body)
        problems.push(`message ${m.id} is ${status} as ${m.provider_id}, which Twilio never accepted for it`);
      else claimed.add(m.provider_id as string);
    } else if (status === 'queued') {
      tally.pending++;
      const key = `${m.to}\n${m.body}`;
      queuedByText.set(key, (queuedByText.get(key) ?? 0) + 1);
    } else if (status === 'skipped') tally.skipped++;
    else tally.failed++;
  }
  for (const a of accepted) {
    if (claimed.has(a.sid!)) continue;
    const key = `${a.to}\n${a.body}`;
    const open = queuedByText.get(key) ?? 0;
    if (open > 0) queuedByText.set(key, open - 1);
    else problems.push(`Twilio accepted ${a.sid} to ${a.to} ("${a.body}"), recorded on no message: a duplicate`);
  }
  expect(problems).toEqual([]);
  return tally;
}
