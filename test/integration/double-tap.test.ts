// A double tap on the tablet's sign-up button: two identical signUps at the same moment answer one
// player, with one game and one welcome text.
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { games, messages, players } from '../../src/db/schema.js';
import { SIGNUP_TWIN_SECONDS } from '../../src/domain/player-input.js';
import { jobs, seedShow, SIGN_UP, testClock } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const clock = testClock();
const server = await useTestServer({ worker: false, now: clock.now });
const db = server.app.context.database.db;
const tablet = await server.token('TABLET');
const show = await seedShow(server, { name: 'Double tap' });

const signUp = (input: Record<string, unknown>) =>
  server.gql(SIGN_UP, { input: { handedness: 'LEFT', showId: String(show.id), ...input } }, tablet);
const playersNamed = async (firstName: string) =>
  (await db.select({ n: count() }).from(players).where(eq(players.firstName, firstName)))[0]!.n;
/** Welcome texts to `to`: the messages recorded, and the sms jobs that would send them. */
async function textsTo(to: string) {
  const ids = (await db.select({ id: messages.id }).from(messages).where(eq(messages.to, to))).map((m) => m.id);
  const sends = (await jobs(server, 'sms')).filter((j: { data: { messageId: number } }) =>
    ids.includes(j.data.messageId),
  ).length;
  return { messages: ids.length, sends };
}

describe('two identical signUps at the same moment', () => {
  it('answer the first player: one player, one game, one welcome text', async () => {
    const input = { firstName: 'Twin', lastName: 'Tap', mobileNumber: '+14155550101' };
    const results = await Promise.all(Array.from({ length: 4 }, () => signUp(input)));
    for (const r of results) expect(r.errors).toBeUndefined();
    expect(new Set(results.map((r) => r.data.signUp.id)).size).toBe(1);
    expect(await playersNamed('Twin')).toBe(1);
    const id = Number(results[0]!.data.signUp.id);
    expect((await db.select({ n: count() }).from(games).where(eq(games.playerId, id)))[0]!.n).toBe(1);
    expect(await textsTo('+14155550101')).toEqual({ messages: 1, sends: 1 });
  });

  it('a second tap a moment later answers the same player', async () => {
    const input = { firstName: 'Late', lastName: 'Tap', mobileNumber: '+14155550102' };
    const first = await signUp(input);
    clock.advance((SIGNUP_TWIN_SECONDS - 1) * 1000);
    const second = await signUp(input);
    expect(second.data.signUp.id).toBe(first.data.signUp.id);
    expect(await playersNamed('Late')).toBe(1);
  });

  it('without a number are two players (nothing is texted; namesakes without phones exist)', async () => {
    await Promise.all([signUp({ firstName: 'Nophone' }), signUp({ firstName: 'Nophone' })]);
    expect(await playersNamed('Nophone')).toBe(2);
  });

  it('are two players when the number, a name or the moment differs', async () => {
    const base = { firstName: 'Other', lastName: 'Tap', mobileNumber: '+14155550103' };
    await signUp(base);
    await signUp({ ...base, mobileNumber: '+14155550104' });
    await signUp({ ...base, lastName: 'Tapp' });
    clock.advance((SIGNUP_TWIN_SECONDS + 1) * 1000);
    await signUp(base);
    expect(await playersNamed('Other')).toBe(4);
  });
});
