// Two-way SMS against the local Twilio fake: texts posted to /twilio/inbound with the SDK's real
// signatures, answered with TwiML; STOP/START honoured by the sms worker; LEAVE and LATE act on
// the sender's game; Twilio's 21610 records an opt-out; a repeated MessageSid is handled once.
import { mkdirSync, writeFileSync } from 'node:fs';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { gameEvents, games, messages, optOuts, type Message } from '../../src/db/schema.js';
import { startTwilioFake, twilioEnv } from '../fakes/twilio.fake.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';
import { phone } from '../helpers/sms-inbound.js';
import { move, signUpGame } from '../helpers/ws.js';

const fake = await startTwilioFake();
afterAll(() => fake.close());
const server = await useTestServer({
  env: {
    ...twilioEnv(fake),
    PUBLIC_BASE_URL: 'https://derby.example',
    RECALL_WINDOW_SIZE: '1',
    RECALL_INTERVAL_SECONDS: '3600',
    JOB_RETRY_DELAY_MAX_SECONDS: '1',
  },
});
const base = 'https://derby.example';
const db = server.app.context.database.db;
const text = phone(server, fake);

let numberSeq = 2000;
const newNumber = () => `+1415555${String(++numberSeq)}`;

async function newShow(overrides: Record<string, unknown> = {}) {
  return fixtures(db).show({
    name: 'Derby Night',
    date: '2031-07-04',
    welcomeMessage: "Hi {firstName}, you're number {position} in line (wait: {eta}). Your place: {link}",
    recallMessage: "{firstName}, you're up! Come to the batting cage now.",
    souvenirMessage: 'Your souvenir: {url}',
    ...overrides,
  });
}

async function rowsTo(to: string): Promise<Message[]> {
  return db.select().from(messages).where(eq(messages.to, to)).orderBy(asc(messages.id));
}

const settledTo = (to: string, kind: Message['kind'], status: Message['status']) =>
  waitFor(
    async () => (await rowsTo(to)).find((m) => m.kind === kind && m.status === status),
    20_000,
    `${kind} to ${to} ${status}`,
  );

const game = async (id: string | number) =>
  (
    await db
      .select()
      .from(games)
      .where(eq(games.id, Number(id)))
  )[0]!;

describe('POST /twilio/inbound', () => {
  it('refuses a bad or missing signature with 403 and stores nothing', async () => {
    const from = newNumber();
    const before = await db.select().from(messages);
    const forged = await text(from, 'STOP', { signature: 'bm90IGEgc2lnbmF0dXJl' });
    const missing = await text(from, 'STOP', { signature: null });
    expect([forged.status, missing.status]).toEqual([403, 403]);
    expect(await db.select().from(messages)).toHaveLength(before.length);
    expect(await db.select().from(optOuts).where(eq(optOuts.mobileNumber, from))).toEqual([]);
  });

  it('answers a number with no game in line politely and changes nothing', async () => {
    const from = newNumber();
    const answer = await text(from, 'LEAVE');
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^text\/xml/);
    expect(answer.xml).toMatch(/^<\?xml[^>]*\?><Response><Message>[^<]+<\/Message><\/Response>$/);
    expect(answer.reply).toMatch(/couldn't find you in line/i);
    const stored = await db.select().from(messages).where(eq(messages.from, from));
    expect(stored).toMatchObject([{ direction: 'inbound', kind: 'inbound', body: 'LEAVE', playerId: null }]);
  });

  it('holds one conversation: welcome, HELP, LATE while waiting, recall, LATE, LEAVE (transcript in test/artifacts)', async () => {
    const show = await newShow();
    const from = newNumber();
    const transcript: string[] = [];
    const log = (who: string, body: string | null) => transcript.push(`${who.padEnd(8)} ${body ?? '(no reply)'}`);
    const outbound = async (kind: Message['kind']) => {
      const m = await settledTo(from, kind, 'sent');
      const accepted = fake.accepted(from).find((r) => r.sid === m.providerId)!;
      log('server', accepted.body);
      return accepted.body;
    };
    const say = async (body: string) => {
      log('player', body);
      const answer = await text(from, body);
      expect(answer.status).toBe(200);
      log('reply', answer.reply);
      return answer.reply;
    };

    const ahead = await signUpGame(server, String(show.id), 'Bea', { mobileNumber: newNumber() });
    await move(server, 'queueGame', ahead);
    const gameId = await signUpGame(server, String(show.id), 'Ada', { mobileNumber: from });
    const token = (await game(gameId)).token;
    const welcome = await outbound('welcome');
    expect(welcome).toBe(`Hi Ada, you're number 2 in line (wait: 4 min). Your place: ${base}/p/${token}`);
    await move(server, 'queueGame', gameId);

    expect(await say('help')).toContain(`${base}/p/${token}`);
    expect(await say('Late, sorry!')).toMatch(/number 2 in line.*haven't called you yet/);

    await move(server, 'recallGame', gameId, 'TABLET');
    expect(await outbound('recall')).toBe("Ada, you're up! Come to the batting cage now.");
    const queuedAt = (await game(gameId)).queuedAt;
    expect(await say('LATE')).toBe('No problem, Ada: you keep your place, number 2 in line. We will text you again.');
    const afterLate = await game(gameId);
    expect(afterLate.state).toBe('QUEUED');
    expect(afterLate.queuedAt).toEqual(queuedAt);

    expect(await say('what?')).toMatch(/Reply LEAVE to leave the line, LATE/);
    expect(await say('LEAVE')).toBe("You've left the line, Ada. Thanks for coming!");
    const left = await game(gameId);
    expect(left).toMatchObject({ state: 'CANCELLED', cancelReason: 'PLAYER_LEFT' });
    const [last] = await db
      .select()
      .from(gameEvents)
      .where(eq(gameEvents.gameId, left.id))
      .orderBy(asc(gameEvents.id))
      .then((e) => e.slice(-1));
    expect(last).toMatchObject({ toState: 'CANCELLED', actor: `player:${left.playerId}` });

    // Staff see the conversation on the game, inbound texts and our replies among the rest (the
    // welcome belongs to the player, not the game, as before).
    const r = await server.gql(
      `query($id: ID!) { game(id: $id) { cancelReason messages { kind direction from to body status } } }`,
      { id: gameId },
      await server.token('STAFF'),
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.game.cancelReason).toBe('PLAYER_LEFT');
    const kinds = r.data.game.messages.map((m: { kind: string; direction: string }) => `${m.direction}:${m.kind}`);
    expect(kinds).toEqual([
      'INBOUND:INBOUND',
      'OUTBOUND:REPLY',
      'INBOUND:INBOUND',
      'OUTBOUND:REPLY',
      'OUTBOUND:RECALL',
      'INBOUND:INBOUND',
      'OUTBOUND:REPLY',
      'INBOUND:INBOUND',
      'OUTBOUND:REPLY',
      'INBOUND:INBOUND',
      'OUTBOUND:REPLY',
    ]);
    expect(r.data.game.messages[0]).toMatchObject({ from, body: 'help', status: 'DELIVERED' });

    mkdirSync('test/artifacts', { recursive: true });
    writeFileSync('test/artifacts/sms-conversation.txt', `${transcript.join('\n')}\n`);
  });

  it('LEAVE frees the recall slot: the next player is recalled and texted', async () => {
    const show = await newShow();
    const first = newNumber();
    const next = newNumber();
    const firstGame = await signUpGame(server, String(show.id), 'Cal', { mobileNumber: first });
    const nextGame = await signUpGame(server, String(show.id), 'Dot', { mobileNumber: next });
    await move(server, 'queueGame', firstGame);
    await move(server, 'queueGame', nextGame);
    await move(server, 'recallGame', firstGame);
    await settledTo(first, 'recall', 'sent');

    const answer = await text(first, 'leave');
    expect(answer.reply).toMatch(/left the line, Cal/);
    expect((await game(firstGame)).state).toBe('CANCELLED');
    expect((await game(nextGame)).state).toBe('RECALLED');
    expect((await game(nextGame)).recallCount).toBe(1);
    const recall = await settledTo(next, 'recall', 'sent');
    expect(fake.accepted(next).map((r) => r.sid)).toContain(recall.providerId);
  });

  it('handles a repeated MessageSid once and answers it as the first time', async () => {
    const show = await newShow();
    const from = newNumber();
    const gameId = await signUpGame(server, String(show.id), 'Eve', { mobileNumber: from });
    await move(server, 'queueGame', gameId);
    const first = await text(from, 'LEAVE');
    const again = await text(from, 'LEAVE', { sid: first.sid });
    expect(again.status).toBe(200);
    expect(again.reply).toBe(first.reply);
    const inbound = await db
      .select()
      .from(messages)
      .where(and(eq(messages.from, from), eq(messages.direction, 'inbound')));
    expect(inbound).toHaveLength(1);
    const cancels = await db
      .select()
      .from(gameEvents)
      .where(and(eq(gameEvents.gameId, Number(gameId)), eq(gameEvents.toState, 'CANCELLED')));
    expect(cancels).toHaveLength(1);
  });

  it('STOP: no reply, the number is never texted again (skipped, reason shown); START lifts it', async () => {
    const show = await newShow();
    const from = newNumber();
    const gameId = await signUpGame(server, String(show.id), 'Fay', { mobileNumber: from });
    await settledTo(from, 'welcome', 'sent');
    await move(server, 'queueGame', gameId);

    const stop = await text(from, 'Stop');
    expect(stop.status).toBe(200);
    expect(stop.reply).toBeNull();
    expect(stop.xml).toMatch(/<Response\/>|<Response><\/Response>/);
    const [optOut] = await db.select().from(optOuts).where(eq(optOuts.mobileNumber, from));
    expect(optOut).toMatchObject({ source: 'STOP' });

    const sentBefore = fake.requests.filter((r) => r.to === from).length;
    await move(server, 'recallGame', gameId, 'TABLET');
    const skipped = await settledTo(from, 'recall', 'skipped');
    expect(skipped.error).toMatch(/^opted out: the number replied STOP/);
    expect(skipped.attempts).toBe(0);
    expect(fake.requests.filter((r) => r.to === from)).toHaveLength(sentBefore);

    const r = await server.gql(
      `query($id: ID!) { game(id: $id) { messages { kind status error } } }`,
      { id: gameId },
      await server.token('STAFF'),
    );
    expect(r.data.game.messages).toContainEqual({ kind: 'RECALL', status: 'SKIPPED', error: skipped.error });

    const start = await text(from, 'START');
    expect(start.reply).toMatch(/texts from us again/);
    expect(await db.select().from(optOuts).where(eq(optOuts.mobileNumber, from))).toEqual([]);
    await move(server, 'queueGame', gameId);
    await move(server, 'recallGame', gameId, 'TABLET');
    await waitFor(
      async () => (await rowsTo(from)).filter((m) => m.kind === 'recall' && m.status === 'sent').length === 1,
      20_000,
      'the recall after START sent',
    );
    expect(fake.accepted(from).at(-1)!.body).toMatch(/Fay, you're up!/);
  });

  it('a send refused with Twilio 21610 records the number as opted out', async () => {
    const show = await newShow();
    const from = newNumber();
    // The scripted answer must meet this test's text, not one still queued by an earlier test.
    await waitFor(
      async () => (await db.select().from(messages).where(eq(messages.status, 'queued'))).length === 0,
      20_000,
      'no text queued',
    );
    fake.script({ kind: 'status', status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' });
    await signUpGame(server, String(show.id), 'Gus', { mobileNumber: from });
    const failed = await settledTo(from, 'welcome', 'failed');
    expect(failed.error).toContain('code 21610');
    const [optOut] = await db.select().from(optOuts).where(eq(optOuts.mobileNumber, from));
    expect(optOut).toMatchObject({ source: 'twilio 21610' });
  });

  it('HELP from a number not in line answers with the current show’s help text', async () => {
    const answer = await text(newNumber(), 'INFO please');
    expect(answer.reply).toMatch(/^Reply LEAVE to leave the line/);
  });
});
