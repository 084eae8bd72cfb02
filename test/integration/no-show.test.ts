// No-shows clear themselves: the periodic pass cancels a recall not confirmed within NO_SHOW_MINUTES
// (or the show's own minutes) of its latest recall, with reason NO_SHOW and actor system, texts the
// player and recalls the next one. A controlled clock stands in for the minutes.
import { asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { callContext } from '../../src/context.js';
import { gameEvents, games, messages, type Message } from '../../src/db/schema.js';
import { runRecallPass } from '../../workers/recall.worker.js';
import { startTwilioFake, twilioEnv } from '../fakes/twilio.fake.js';
import { testClock } from '../helpers/api.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';
import { move, signUpGame } from '../helpers/ws.js';

const MINUTE = 60_000;
const fake = await startTwilioFake();
afterAll(() => fake.close());
const clock = testClock();
const server = await useTestServer({
  now: clock.now,
  env: { ...twilioEnv(fake), RECALL_WINDOW_SIZE: '1', RECALL_INTERVAL_SECONDS: '3600' },
});
const db = server.app.context.database.db;
const pass = (showId: number) => runRecallPass(callContext(server.app.context), { showId });
const everyShowPass = () => runRecallPass(callContext(server.app.context), {});
const game = async (id: string | number) =>
  (
    await db
      .select()
      .from(games)
      .where(eq(games.id, Number(id)))
  )[0]!;

let numberSeq = 3000;
const newNumber = () => `+1415555${String(++numberSeq)}`;

const sentTo = (to: string, kind: Message['kind']) =>
  waitFor(
    async () =>
      (await db.select().from(messages).where(eq(messages.to, to))).find((m) => m.kind === kind && m.status === 'sent'),
    20_000,
    `${kind} to ${to} sent`,
  );

describe('no-shows', () => {
  it("cancels after the show's own minutes: NO_SHOW, actor system, texted, and the slot refilled", async () => {
    const show = await fixtures(db).show({ date: '2031-08-01', noShowMinutes: 10 });
    const [late, next] = [newNumber(), newNumber()];
    const lateGame = await signUpGame(server, String(show.id), 'Hal', { mobileNumber: late });
    const nextGame = await signUpGame(server, String(show.id), 'Ivy', { mobileNumber: next });
    await move(server, 'queueGame', lateGame);
    await move(server, 'queueGame', nextGame);
    expect(await pass(show.id)).toBe(1);
    expect((await game(lateGame)).state).toBe('RECALLED');

    clock.advance(9 * MINUTE);
    await pass(show.id);
    expect((await game(lateGame)).state).toBe('RECALLED');

    clock.advance(2 * MINUTE);
    expect(await everyShowPass()).toBeGreaterThanOrEqual(1);
    const cancelled = await game(lateGame);
    expect(cancelled).toMatchObject({ state: 'CANCELLED', cancelReason: 'NO_SHOW' });
    const events = await db
      .select()
      .from(gameEvents)
      .where(eq(gameEvents.gameId, cancelled.id))
      .orderBy(asc(gameEvents.id));
    expect(events.at(-1)).toMatchObject({ fromState: 'RECALLED', toState: 'CANCELLED', actor: 'system' });
    expect((await game(nextGame)).state).toBe('RECALLED');

    const noShow = await sentTo(late, 'no_show');
    expect(noShow.body).toBe(
      "Sorry Hal, we couldn't wait any longer and gave your turn away. Sign up again at the booth.",
    );
    await sentTo(next, 'recall');

    // Visible on the game and in the export; the board lists them no more.
    const r = await server.gql(
      `query($id: ID!, $s: ID) { game(id: $id) { state cancelReason } queue(showId: $s) { recalled { id } waiting { game { id } } } }`,
      { id: lateGame, s: String(show.id) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.game).toEqual({ state: 'CANCELLED', cancelReason: 'NO_SHOW' });
    expect(r.data.queue.recalled).toEqual([{ id: nextGame }]);
    expect(r.data.queue.waiting).toEqual([]);
    const csv = await fetch(`${server.url}/export/games.csv?showId=${show.id}`, {
      headers: { authorization: `Bearer ${await server.token('STAFF')}` },
    }).then((res) => res.text());
    const [header, ...rows] = csv
      .trim()
      .split('\r\n')
      .map((line) => line.split(','));
    const column = header!.indexOf('cancel_reason');
    expect(column).toBeGreaterThan(0);
    const byId = new Map(rows.map((row) => [row[0], row[column]]));
    expect(byId.get(lateGame)).toBe('NO_SHOW');
    expect(byId.get(nextGame)).toBe('');
  });

  it('uses NO_SHOW_MINUTES (30) without an override; a confirmed player is never a no-show', async () => {
    const show = await fixtures(db).show({ date: '2031-08-02' });
    const gone = await signUpGame(server, String(show.id), 'Jo', { mobileNumber: newNumber() });
    const here = await signUpGame(server, String(show.id), 'Kim', { mobileNumber: newNumber() });
    await move(server, 'queueGame', gone);
    await move(server, 'queueGame', here);
    await move(server, 'recallGame', gone);
    await move(server, 'recallGame', here);
    await move(server, 'confirmGame', here);

    clock.advance(29 * MINUTE);
    await pass(show.id);
    expect((await game(gone)).state).toBe('RECALLED');
    clock.advance(1 * MINUTE);
    await pass(show.id);
    expect(await game(gone)).toMatchObject({ state: 'CANCELLED', cancelReason: 'NO_SHOW' });
    expect(await game(here)).toMatchObject({ state: 'CONFIRMED', cancelReason: null });
  });

  it('a recall made again restarts the count from the latest recall', async () => {
    const show = await fixtures(db).show({ date: '2031-08-03', noShowMinutes: 5 });
    const g = await signUpGame(server, String(show.id), 'Lou', { mobileNumber: newNumber() });
    await move(server, 'queueGame', g);
    await move(server, 'recallGame', g);
    clock.advance(4 * MINUTE);
    await move(server, 'queueGame', g);
    await move(server, 'recallGame', g);
    clock.advance(4 * MINUTE);
    await pass(show.id);
    expect((await game(g)).state).toBe('RECALLED');
    clock.advance(1 * MINUTE);
    await pass(show.id);
    expect((await game(g)).cancelReason).toBe('NO_SHOW');
  });
});
