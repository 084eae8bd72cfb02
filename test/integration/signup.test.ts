import { count, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { games, messages, players, type Show, type Team } from '../../src/db/schema.js';
import { act, driveTo, gameRow, jobs, playerRow, seedShow, seedTeams, SIGN_UP, signUpPlayer } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

// Workers off so welcome SMS jobs stay in pgboss.job for inspection.
const server = await useTestServer({ worker: false });
const db = server.app.context.database.db;
const tablet = await server.token('TABLET');

const signUp = (input: Record<string, unknown>) =>
  server.gql(SIGN_UP, { input: { firstName: 'Ada', handedness: 'LEFT', ...input } }, tablet);
async function counts() {
  const [p] = await db.select({ n: count() }).from(players);
  const [g] = await db.select({ n: count() }).from(games);
  const [m] = await db.select({ n: count() }).from(messages);
  return { players: p!.n, games: g!.n, messages: m!.n, smsJobs: (await jobs(server, 'sms')).length };
}

describe('before any show exists', () => {
  it('refuses sign-up with a clear error and writes nothing', async () => {
    const r = await signUp({});
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(r.errors?.[0]?.message).toMatch(/no show/i);
    expect(await counts()).toEqual({ players: 0, games: 0, messages: 0, smsJobs: 0 });
  });
});

describe('signUp', () => {
  let older: Show, current: Show, red: Team, blue: Team;
  beforeAll(async () => {
    older = await seedShow(server, { name: 'Older', date: '2025-07-13' });
    const tieLow = await seedShow(server, { name: 'Tie low', date: '2025-07-14' });
    current = await seedShow(server, {
      name: 'Current',
      date: '2025-07-14',
      welcomeMessage: 'Welcome {firstName}, you are queued!',
    });
    [red, blue] = (await seedTeams(server, ['Red Sox', 'Blue Jays'])) as [Team, Team];
    expect(tieLow.id).toBeLessThan(current.id);
  });

  it('creates the player and a NEW game for the current show (latest date, ties highest id)', async () => {
    const r = await signUp({ firstName: '  Grace ', lastName: ' Hopper ' });
    expect(r.errors).toBeUndefined();
    expect(r.data.signUp).toMatchObject({
      firstName: 'Grace',
      lastName: 'Hopper',
      handedness: 'LEFT',
      signedWaiver: false,
      isFinalist: false,
      profileId: null,
    });
    const gs = await db
      .select()
      .from(games)
      .where(eq(games.playerId, Number(r.data.signUp.id)));
    expect(gs).toHaveLength(1);
    expect(gs[0]).toMatchObject({ state: 'NEW', showId: current.id });
  });

  it('uses the show given by showId, and NOT_FOUND for an unknown one', async () => {
    const { gameId } = await signUpPlayer(server, { showId: String(older.id) }, tablet);
    expect((await gameRow(server, gameId)).showId).toBe(older.id);
    const before = await counts();
    const r = await signUp({ showId: '99999' });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(await counts()).toEqual(before);
  });

  it('normalizes the mobile number, and queues one welcome SMS in the same transaction', async () => {
    const { playerId } = await signUpPlayer(server, { firstName: 'Mo', mobileNumber: '(415) 555-2671' }, tablet);
    expect((await playerRow(server, playerId)).mobileNumber).toBe('+14155552671');
    const [msg] = await db.select().from(messages).where(eq(messages.playerId, playerId));
    expect(msg).toMatchObject({
      kind: 'welcome',
      to: '+14155552671',
      body: 'Welcome Mo, you are queued!',
      dedupeKey: `welcome:${playerId}`,
      status: 'queued',
    });
    expect((await jobs(server, 'sms')).filter((j) => j.data.messageId === msg!.id)).toHaveLength(1);
  });

  it('sends no SMS without a mobile number (blank counts as none)', async () => {
    const { playerId } = await signUpPlayer(server, { mobileNumber: '   ' }, tablet);
    expect((await playerRow(server, playerId)).mobileNumber).toBeNull();
    expect(await db.select().from(messages).where(eq(messages.playerId, playerId))).toEqual([]);
  });

  it('allows duplicate mobile numbers', async () => {
    await signUpPlayer(server, { mobileNumber: '+1 415 555 2671' }, tablet);
  });

  it.each([
    [{ firstName: '   ' }, 'firstName'],
    [{ firstName: 'x'.repeat(65) }, 'firstName'],
    [{ lastName: 'x'.repeat(65) }, 'lastName'],
    [{ firstName: 'Ada https://prize.example' }, 'firstName'],
    [{ firstName: 'www.prize' }, 'firstName'],
    [{ lastName: 'prize.example/claim' }, 'lastName'],
    [{ lastName: 'call +1 415 555 2671' }, 'lastName'],
    [{ mobileNumber: '12345' }, 'mobileNumber'],
    [{ email: 'not-an-email' }, 'email'],
    [{ profileId: 'p'.repeat(129) }, 'profileId'],
    [{ team: 'Nobody FC' }, 'team'],
  ])('refuses %j naming %s, writing nothing', async (input, field) => {
    const before = await counts();
    const r = await signUp(input);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(r.errors![0]!.extensions!.fields)).toEqual([field]);
    expect(await counts()).toEqual(before);
  });

  it('reports every bad field at once, the unknown team included', async () => {
    const r = await signUp({ firstName: '', mobileNumber: 'abc', email: 'x@', team: 'Nobody FC' });
    expect(Object.keys(r.errors![0]!.extensions!.fields).sort()).toEqual([
      'email',
      'firstName',
      'mobileNumber',
      'team',
    ]);
  });

  it('joins a team by name, ignoring letter case', async () => {
    const { playerId } = await signUpPlayer(
      server,
      { team: 'blue jays', email: 'a@b.co', signedWaiver: true, isFinalist: true, profileId: 'x-1' },
      tablet,
    );
    expect(await playerRow(server, playerId)).toMatchObject({
      teamId: blue.id,
      email: 'a@b.co',
      signedWaiver: true,
      isFinalist: true,
      profileId: 'x-1',
    });
  });

  it('puts a team-less player in the smallest team when confirmed', async () => {
    // Blue has one member from the previous test; Red has none.
    const { playerId, gameId } = await signUpPlayer(server, { firstName: 'Teamless' }, tablet);
    expect((await playerRow(server, playerId)).teamId).toBeNull();
    expect((await act(server, 'confirm', gameId)).errors).toBeUndefined();
    expect((await playerRow(server, playerId)).teamId).toBe(red.id);
  });

  it('keeps the teams balanced when many team-less players are confirmed at once', async () => {
    // Red and Blue have one member each from the tests before. Every confirm counts the members
    // after the joins before it committed: were the count taken before the team lock, racing
    // confirms would read the same sizes and crowd into one team.
    const sizes = async () =>
      (
        await db
          .select({ n: count() })
          .from(players)
          .where(inArray(players.teamId, [red.id, blue.id]))
          .groupBy(players.teamId)
      ).map((r) => r.n);
    expect(await sizes()).toEqual([1, 1]);
    const rush: number[] = [];
    for (let i = 0; i < 20; i++) rush.push((await signUpPlayer(server, { firstName: `Rush${i}` }, tablet)).gameId);
    const confirmed = await Promise.all(rush.map((gameId) => act(server, 'confirm', gameId)));
    expect(confirmed.map((r) => r.errors)).toEqual(rush.map(() => undefined));
    expect(await sizes()).toEqual([11, 11]);
  });

  it('refuses anonymous sign-up', async () => {
    const r = await server.gql(SIGN_UP, { input: { firstName: 'Anon', handedness: 'LEFT' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('updatePlayer', () => {
  const UPDATE = `mutation($id: ID!, $input: UpdatePlayerInput!) { updatePlayer(id: $id, input: $input) { id firstName lastName handedness } }`;

  it('changes only the given fields and clears optional ones with null', async () => {
    const { playerId } = await signUpPlayer(
      server,
      { firstName: 'Up', lastName: 'Date', mobileNumber: '+14155552671' },
      tablet,
    );
    const r = await server.gql(
      UPDATE,
      { id: String(playerId), input: { lastName: 'Dated', mobileNumber: null, handedness: 'RIGHT', team: 'red sox' } },
      tablet,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.updatePlayer).toMatchObject({ firstName: 'Up', lastName: 'Dated', handedness: 'RIGHT' });
    const row = await playerRow(server, playerId);
    expect(row.mobileNumber).toBeNull();
    expect(row.teamId).not.toBeNull();
  });

  it('refuses bad fields and changes nothing', async () => {
    const { playerId } = await signUpPlayer(server, { firstName: 'Keep' }, tablet);
    const before = await playerRow(server, playerId);
    const r = await server.gql(
      UPDATE,
      { id: String(playerId), input: { firstName: 'Changed', email: 'bad', team: 'Nobody FC' } },
      tablet,
    );
    expect(Object.keys(r.errors![0]!.extensions!.fields).sort()).toEqual(['email', 'team']);
    expect(await playerRow(server, playerId)).toEqual(before);
  });

  it('refuses a name with a link or a phone number and changes nothing', async () => {
    const { playerId } = await signUpPlayer(server, { firstName: 'Plain' }, tablet);
    const before = await playerRow(server, playerId);
    const r = await server.gql(
      UPDATE,
      { id: String(playerId), input: { firstName: 'Win at www.prize.example', lastName: '415-555-2671' } },
      tablet,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(r.errors![0]!.extensions!.fields).sort()).toEqual(['firstName', 'lastName']);
    expect(await playerRow(server, playerId)).toEqual(before);
  });

  it('answers NOT_FOUND for an unknown player', async () => {
    const r = await server.gql(UPDATE, { id: '424242', input: { firstName: 'X' } }, tablet);
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});

describe('startGame', () => {
  const START = `mutation($p: ID!, $s: ID) { startGame(playerId: $p, showId: $s) { id state } }`;

  it('refuses while the active game is unfinished, then gives a new NEW game once it is finished', async () => {
    const { playerId, gameId } = await signUpPlayer(server, { firstName: 'Again' }, tablet);
    for (const state of ['NEW', 'QUEUED'] as const) {
      if (state === 'QUEUED') await driveTo(server, gameId, 'QUEUED');
      const r = await server.gql(START, { p: String(playerId) }, tablet);
      expect(r.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', state });
    }
    await act(server, 'cancel', gameId);
    const r = await server.gql(START, { p: String(playerId) }, tablet);
    expect(r.errors).toBeUndefined();
    expect(r.data.startGame.state).toBe('NEW');
    expect(Number(r.data.startGame.id)).toBeGreaterThan(gameId);
  });

  it('creates exactly one game when two tablets start at once', async () => {
    const { playerId, gameId } = await signUpPlayer(server, { firstName: 'Twice' }, tablet);
    await driveTo(server, gameId, 'COMPLETED');
    const results = await Promise.all([1, 2, 3].map(() => server.gql(START, { p: String(playerId) }, tablet)));
    expect(results.filter((r) => !r.errors)).toHaveLength(1);
    expect(results.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT')).toHaveLength(2);
    expect(await db.select().from(games).where(eq(games.playerId, playerId))).toHaveLength(2);
  });

  it('answers NOT_FOUND for an unknown player or show', async () => {
    expect((await server.gql(START, { p: '999999' }, tablet)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { playerId, gameId } = await signUpPlayer(server, {}, tablet);
    await act(server, 'cancel', gameId);
    expect((await server.gql(START, { p: String(playerId), s: '999999' }, tablet)).errors?.[0]?.extensions?.code).toBe(
      'NOT_FOUND',
    );
  });
});
