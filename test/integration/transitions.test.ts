import { describe, expect, it } from 'vitest';
import { GAME_STATES, isRepeat, TRANSITIONS, type GameAction } from '../../src/domain/game-states.js';
import type { Game } from '../../src/db/schema.js';
import {
  act,
  driveTo,
  eventsOf,
  gameRow,
  jobs,
  MUTATION_NAME,
  seedShow,
  signUpPlayer,
  testClock,
} from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const clock = testClock();
// Workers off: souvenir jobs stay queued, and no periodic recall moves games under the test.
const server = await useTestServer({ now: clock.now, worker: false });
await seedShow(server);
const STEP = 60_000;
const STAMPS = ['queuedAt', 'recalledAt', 'confirmedAt', 'playingAt', 'completedAt', 'cancelledAt'] as const;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

const cases = GAME_STATES.flatMap((from) =>
  (Object.keys(TRANSITIONS) as GameAction[]).map((action) => [from, action] as const),
);

describe('every state × every transition mutation', () => {
  it.each(cases)('from %s, %s', async (from, action) => {
    const { gameId } = await signUpPlayer(server, { firstName: `${from}-${action}` });
    await driveTo(server, gameId, from, () => clock.advance(STEP));
    const before = await gameRow(server, gameId);
    const eventsBefore = await eventsOf(server, gameId);
    clock.advance(STEP);
    const at = clock.now();
    const r = await act(server, action, gameId);
    const after = await gameRow(server, gameId);
    const eventsAfter = await eventsOf(server, gameId);
    const t = TRANSITIONS[action];

    if (isRepeat(action, from, true)) {
      // A retry of the move that brought the game here (act always sends the same result).
      expect(r.errors).toBeUndefined();
      expect(r.data[MUTATION_NAME[action]!].state).toBe(from);
      expect(after).toEqual(before);
      expect(eventsAfter).toEqual(eventsBefore);
      return;
    }
    if (!t.from.includes(from)) {
      expect(r.data).toBeNull();
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'ILLEGAL_TRANSITION', from, to: t.to });
      expect(after).toEqual(before);
      expect(eventsAfter).toEqual(eventsBefore);
      return;
    }
    expect(r.errors).toBeUndefined();
    const returned = r.data[MUTATION_NAME[action]!];
    expect(returned.state).toBe(t.to);
    expect(after.state).toBe(t.to);
    expect(after.updatedAt).toEqual(at);
    for (const stamp of STAMPS) {
      const expected =
        stamp === 'recalledAt' && action === 'recall' ? at : stamp === t.stamp ? (before[stamp] ?? at) : before[stamp];
      expect(iso(after[stamp]), stamp).toBe(iso(expected));
      expect(returned[stamp], `returned ${stamp}`).toBe(iso(expected));
    }
    expect(after.recallCount).toBe(before.recallCount + (action === 'recall' ? 1 : 0));
    if (action === 'complete') expect(after).toMatchObject({ score: 1200, distance: 410, homeruns: 3 });
    expect(eventsAfter).toHaveLength(eventsBefore.length + 1);
    expect(eventsAfter.at(-1)).toMatchObject({ fromState: from, toState: t.to, actor: 'user', at });
  });
});

describe('timestamps', () => {
  it('keeps the first queuedAt and the latest recalledAt over recall and re-queue cycles', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Cycle' });
    const stamps: Date[] = [];
    for (const action of ['queue', 'recall', 'queue', 'recall', 'queue', 'recall'] as const) {
      clock.advance(STEP);
      stamps.push(clock.now());
      expect((await act(server, action, gameId)).errors).toBeUndefined();
    }
    const g: Game = await gameRow(server, gameId);
    expect(g.queuedAt).toEqual(stamps[0]);
    expect(g.recalledAt).toEqual(stamps[5]);
    expect(g.recallCount).toBe(3);
    const events = await eventsOf(server, gameId);
    expect(events.map((e) => `${e.fromState}>${e.toState}`)).toEqual([
      'null>NEW',
      'NEW>QUEUED',
      'QUEUED>RECALLED',
      'RECALLED>QUEUED',
      'QUEUED>RECALLED',
      'RECALLED>QUEUED',
      'QUEUED>RECALLED',
    ]);
  });
});

describe('errors', () => {
  it('answers NOT_FOUND for a game that does not exist, numeric or not', async () => {
    for (const id of [987654, 'abc']) {
      const r = await act(server, 'queue', id as number);
      expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
  });

  it('refuses a negative result and changes nothing', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Neg' });
    await driveTo(server, gameId, 'PLAYING');
    const before = await gameRow(server, gameId);
    const r = await server.gql(
      `mutation($id: ID!) { completeGame(id: $id, result: { score: -1, distance: 5, homeruns: -2 }) { id } }`,
      { id: String(gameId) },
      await server.token('VR_GAME'),
    );
    expect(r.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { score: expect.any(String), homeruns: expect.any(String) },
    });
    expect(await gameRow(server, gameId)).toEqual(before);
  });
});

describe('races', () => {
  it('lets exactly one of 20 concurrent confirmGame calls win', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Race' });
    const token = await server.token('TABLET');
    const results = await Promise.all(Array.from({ length: 20 }, () => act(server, 'confirm', gameId, token)));
    const wins = results.filter((r) => !r.errors);
    const losses = results.filter((r) => r.errors);
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(19);
    for (const r of losses)
      expect(r.errors![0]!.extensions).toMatchObject({
        code: 'ILLEGAL_TRANSITION',
        from: 'CONFIRMED',
        to: 'CONFIRMED',
      });
    const events = await eventsOf(server, gameId);
    expect(events.filter((e) => e.toState === 'CONFIRMED')).toHaveLength(1);
  });

  it('records the true previous state when complete and cancel race', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Race2' });
    await driveTo(server, gameId, 'PLAYING');
    const [complete, cancel] = await Promise.all([act(server, 'complete', gameId), act(server, 'cancel', gameId)]);
    // Both leave only PLAYING, so exactly one wins and the loser hears the winner's state.
    expect([complete.errors, cancel.errors].filter((e) => e === undefined)).toHaveLength(1);
    const state = (await gameRow(server, gameId)).state;
    const chain = (await eventsOf(server, gameId)).map((e) => `${e.fromState}>${e.toState}`).slice(3);
    expect(chain).toEqual([`PLAYING>${state}`]);
    const loser = complete.errors ? complete : cancel;
    expect(loser.errors![0]!.extensions).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: state,
      to: complete.errors ? 'COMPLETED' : 'CANCELLED',
    });
  });
});

describe('retries after a lost response', () => {
  const complete = async (gameId: number, score: number) =>
    server.gql(
      `mutation($id: ID!, $r: GameResultInput!) { completeGame(id: $id, result: $r) { id state score } }`,
      { id: String(gameId), r: { score, distance: 400, homeruns: 2 } },
      await server.token('VR_GAME'),
    );
  const souvenirsOf = async (gameId: number) =>
    (await jobs(server, 'souvenir')).filter((j) => j.data.gameId === gameId).length;

  it('answers a repeated playGame, completeGame (same result) and cancelGame with the game, recording nothing', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Retry' });
    await driveTo(server, gameId, 'PLAYING');
    const play = await act(server, 'play', gameId, await server.token('VR_GAME'));
    expect(play.data.playGame.state).toBe('PLAYING');

    const first = await complete(gameId, 900);
    expect(first.data.completeGame).toMatchObject({ state: 'COMPLETED', score: 900 });
    const events = await eventsOf(server, gameId);
    const again = await complete(gameId, 900);
    expect(again.errors).toBeUndefined();
    expect(again.data.completeGame).toEqual(first.data.completeGame);
    expect(await eventsOf(server, gameId)).toEqual(events);
    expect(await souvenirsOf(gameId)).toBe(1);

    const other = (await signUpPlayer(server, { firstName: 'Recancel' })).gameId;
    const cancelled = await act(server, 'cancel', other);
    expect(cancelled.data.cancelGame.state).toBe('CANCELLED');
    const cancelEvents = await eventsOf(server, other);
    const cancelAgain = await act(server, 'cancel', other);
    expect(cancelAgain.errors).toBeUndefined();
    expect(cancelAgain.data.cancelGame.state).toBe('CANCELLED');
    expect(await eventsOf(server, other)).toEqual(cancelEvents);
  });

  it('refuses completing a COMPLETED game with a different result', async () => {
    const { gameId } = await signUpPlayer(server, { firstName: 'Rescore' });
    await driveTo(server, gameId, 'PLAYING');
    expect((await complete(gameId, 700)).errors).toBeUndefined();
    const other = await complete(gameId, 701);
    expect(other.errors?.[0]?.extensions).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: 'COMPLETED',
      to: 'COMPLETED',
    });
    expect((await gameRow(server, gameId)).score).toBe(700);
    expect(await souvenirsOf(gameId)).toBe(1);
  });
});
