// SMS through the real Twilio SDK against a local fake: once per event, retries, permanent
// failures, delivery callbacks and the outbox's rollback guarantee.
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { afterAll, describe, expect, it } from 'vitest';
import { messages, players, type Message } from '../../src/db/schema.js';
import { queueSms, type SmsRequest } from '../../src/jobs/outbox.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { startTwilioFake, twilioEnv } from '../fakes/twilio.fake.js';
import { useTestServer } from '../helpers/server.js';

const fake = await startTwilioFake();
afterAll(() => fake.close());
const server = await useTestServer({ env: { ...twilioEnv(fake), JOB_RETRY_DELAY_MAX_SECONDS: '1' } });
const db = server.app.context.database.db;
const boss = server.app.context.boss;
const show = await fixtures(db).show({
  name: 'Test Show',
  date: '2025-07-04',
  welcomeMessage: 'Welcome {firstName}!',
  recallMessage: 'Come back {firstName}',
  souvenirMessage: 'Your souvenir, {firstName}: {url}',
});

let phoneSeq = 100;
const newPhone = () => `+1555987${String(++phoneSeq).padStart(4, '0')}`;

async function queue(req: Omit<SmsRequest, 'playerId'> & { playerId?: number }): Promise<number | null> {
  const playerId =
    req.playerId ?? (await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: req.to })).id;
  return db.transaction((tx) => queueSms(tx, boss, { ...req, playerId }));
}

async function message(id: number): Promise<Message> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

const settled = (id: number, status: Message['status']) =>
  waitFor(
    async () => {
      const m = await message(id);
      return m.status === status ? m : undefined;
    },
    20_000,
    `message ${id} ${status}`,
  );

async function jobStates(messageId: number): Promise<string[]> {
  const rows = await server.app.context.database
    .primarySql`select state from pgboss.job where name = 'sms' and data->>'messageId' = ${String(messageId)}`;
  return rows.map((r) => r.state as string);
}

describe('sms worker', () => {
  it('sends welcome, recall and souvenir messages once each, even when asked twice', async () => {
    const to = newPhone();
    const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: to });
    const ids: number[] = [];
    for (const [kind, key] of [
      ['welcome', `welcome:${player.id}`],
      ['recall', 'recall:9001'],
      ['souvenir', 'souvenir:9002'],
    ] as const) {
      const id = await queue({ kind, playerId: player.id, to, body: `${kind} text`, dedupeKey: key });
      expect(id).toBeTypeOf('number');
      ids.push(id!);
      // The same event again: no second row, no second job.
      expect(await queue({ kind, playerId: player.id, to, body: `${kind} text`, dedupeKey: key })).toBeNull();
    }
    for (const id of ids) {
      const m = await settled(id, 'sent');
      expect(m.providerId).toMatch(/^SM[0-9a-f]{32}$/);
      expect(m.attempts).toBe(1);
    }
    // A duplicated job for an already sent message runs and does nothing.
    const dup = await boss.send('sms', { messageId: ids[0] });
    await waitFor(async () => (await boss.getJobById('sms', dup!))?.state === 'completed', 10_000, 'duplicate job');
    const accepted = fake.accepted(to);
    expect(accepted.map((r) => r.body).sort()).toEqual(['recall text', 'souvenir text', 'welcome text']);
    expect(accepted.every((r) => r.from === fake.from)).toBe(true);
    expect((await message(ids[0]!)).attempts).toBe(1);
  });

  it('retries transient failures with backoff: three 500s then success is one message after 4 attempts', async () => {
    const to = newPhone();
    fake.script({ kind: 'status', status: 500 }, { kind: 'status', status: 500 }, { kind: 'status', status: 500 });
    const id = (await queue({ kind: 'welcome', to, body: 'retry me', dedupeKey: `retry:${to}` }))!;
    const m = await settled(id, 'sent');
    expect(m.attempts).toBe(4);
    expect(m.error).toBeNull();
    expect(fake.requests.filter((r) => r.to === to).map((r) => r.answered)).toEqual([500, 500, 500, 201]);
    expect(fake.accepted(to)).toHaveLength(1);
    expect(m.providerId).toBe(fake.accepted(to)[0]!.sid);
  });

  it('treats 429 as transient', async () => {
    const to = newPhone();
    fake.script({ kind: 'status', status: 429, code: 20429, message: 'Too Many Requests' });
    const id = (await queue({ kind: 'recall', to, body: 'slow down', dedupeKey: `rate:${to}` }))!;
    const m = await settled(id, 'sent');
    expect(m.attempts).toBe(2);
    expect(fake.accepted(to)).toHaveLength(1);
  });

  it.each([
    ['invalid number', 400, 21211],
    ['unsubscribed recipient', 400, 21610],
    ['other client error', 403, 20003],
  ])('marks the message failed without retrying: %s', async (_name, status, code) => {
    const to = newPhone();
    fake.script({ kind: 'status', status, code, message: `scripted ${code}` });
    const id = (await queue({ kind: 'welcome', to, body: 'never arrives', dedupeKey: `bad:${to}` }))!;
    const m = await settled(id, 'failed');
    expect(m.error).toContain(`code ${code}`);
    expect(m.attempts).toBe(1);
    await waitFor(async () => (await jobStates(id)).join() === 'completed', 10_000, 'job completed');
    // Longer than the retry delay: a retry would have reached the fake by now.
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.requests.filter((r) => r.to === to)).toHaveLength(1);
    expect((await message(id)).attempts).toBe(1);
  });

  it('sends nothing for a message whose transaction rolled back', async () => {
    const to = newPhone();
    const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: to });
    await expect(
      db.transaction(async (tx) => {
        await queueSms(tx, boss, {
          kind: 'welcome',
          playerId: player.id,
          to,
          body: 'rolled back',
          dedupeKey: `rollback:${to}`,
        });
        throw new Error('the mutation failed after queueing');
      }),
    ).rejects.toThrow('the mutation failed');
    expect(await db.select().from(messages).where(eq(messages.to, to))).toHaveLength(0);
    const jobs = await server.app.context.database
      .primarySql`select id from pgboss.job where name = 'sms' and data->>'messageId' is null`;
    expect(jobs).toHaveLength(0);
    // A stray job naming a message that does not exist completes without texting anyone.
    const stray = await boss.send('sms', { messageId: 987_654 });
    await waitFor(async () => (await boss.getJobById('sms', stray!))?.state === 'completed', 10_000, 'stray job');
    expect(fake.requests.filter((r) => r.to === to || r.body === 'rolled back')).toHaveLength(0);
  });
});

describe('twilio status callback', () => {
  const url = `${server.url}/twilio/status`;
  const post = (params: Record<string, string>, signature: string) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(params),
    });

  it('records delivery with a valid signature and ignores a forged one', async () => {
    const to = newPhone();
    const id = (await queue({ kind: 'souvenir', to, body: 'status please', dedupeKey: `status:${to}` }))!;
    const sent = await settled(id, 'sent');
    const delivered = { MessageSid: sent.providerId!, MessageStatus: 'delivered', AccountSid: fake.accountSid, To: to };

    const forged = await post(delivered, twilio.getExpectedTwilioSignature('not-the-auth-token', url, delivered));
    expect(forged.status).toBe(403);
    expect((await forged.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await post(delivered, '')).status).toBe(403);
    // A genuine signature over different parameters is a forgery too.
    const tampered = await post(
      { ...delivered, MessageStatus: 'failed' },
      twilio.getExpectedTwilioSignature(fake.authToken, url, delivered),
    );
    expect(tampered.status).toBe(403);
    expect((await message(id)).status).toBe('sent');

    const ok = await post(delivered, twilio.getExpectedTwilioSignature(fake.authToken, url, delivered));
    expect(ok.status).toBe(204);
    expect((await message(id)).status).toBe('delivered');

    // A late "sent" callback does not move a delivered message back.
    const late = { ...delivered, MessageStatus: 'sent' };
    expect((await post(late, twilio.getExpectedTwilioSignature(fake.authToken, url, late))).status).toBe(204);
    expect((await message(id)).status).toBe('delivered');
  });

  it('records an undelivered message as failed with its error code', async () => {
    const to = newPhone();
    const id = (await queue({ kind: 'recall', to, body: 'lost in transit', dedupeKey: `undelivered:${to}` }))!;
    const sent = await settled(id, 'sent');
    const params = { MessageSid: sent.providerId!, MessageStatus: 'undelivered', ErrorCode: '30005' };
    expect((await post(params, twilio.getExpectedTwilioSignature(fake.authToken, url, params))).status).toBe(204);
    const m = await message(id);
    expect(m.status).toBe('failed');
    expect(m.error).toContain('30005');
  });
});

describe('Game.messages and resendMessage', () => {
  const MESSAGES = `query($id: ID!) { game(id: $id) { id messages { id kind to body status providerId attempts error } } }`;
  const RESEND = `mutation($id: ID!) { resendMessage(id: $id) { id kind to body status attempts } }`;

  it("lists a game's messages to STAFF and ADMIN only", async () => {
    const to = newPhone();
    const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: to });
    const game = await fixtures(db).completedGame(player.id, show.id);
    const id = (await queue({
      kind: 'souvenir',
      playerId: player.id,
      gameId: game.id,
      to,
      body: 'your card',
      dedupeKey: `souvenir:${game.id}`,
    }))!;
    await settled(id, 'sent');
    for (const role of ['STAFF', 'ADMIN'] as const) {
      const r = await server.gql(MESSAGES, { id: String(game.id) }, await server.token(role));
      expect(r.errors).toBeUndefined();
      expect(r.data.game.messages).toEqual([
        expect.objectContaining({
          id: String(id),
          kind: 'SOUVENIR',
          to,
          body: 'your card',
          status: 'SENT',
          attempts: 1,
          error: null,
        }),
      ]);
    }
    for (const [role, code] of [
      ['TABLET', 'FORBIDDEN'],
      ['VR_GAME', 'FORBIDDEN'],
      [null, 'UNAUTHENTICATED'],
    ] as const) {
      const r = await server.gql(MESSAGES, { id: String(game.id) }, role ? await server.token(role) : null);
      expect(r.errors?.[0]?.extensions?.code).toBe(code);
      expect(JSON.stringify(r.data ?? null)).not.toContain(to);
    }
  });

  it("resends as a new message to the player's current number, and refuses while the original is queued", async () => {
    const oldTo = newPhone();
    const newTo = newPhone();
    const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: oldTo });
    const game = await fixtures(db).completedGame(player.id, show.id);
    fake.script({ kind: 'status', status: 400, code: 21211, message: 'Invalid To number' });
    const id = (await queue({
      kind: 'souvenir',
      playerId: player.id,
      gameId: game.id,
      to: oldTo,
      body: 'card again',
      dedupeKey: `souvenir:${game.id}`,
    }))!;
    await settled(id, 'failed');

    const tablet = await server.gql(RESEND, { id: String(id) }, await server.token('TABLET'));
    expect(tablet.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await db.update(players).set({ mobileNumber: newTo }).where(eq(players.id, player.id));
    const r = await server.gql(RESEND, { id: String(id) }, await server.token('STAFF'));
    expect(r.errors).toBeUndefined();
    expect(r.data.resendMessage).toMatchObject({ kind: 'SOUVENIR', to: newTo, body: 'card again' });
    const resent = await settled(Number(r.data.resendMessage.id), 'sent');
    expect(fake.accepted(newTo).map((m) => m.body)).toEqual(['card again']);
    expect((await message(id)).status).toBe('failed');

    const list = await server.gql(MESSAGES, { id: String(game.id) }, await server.token('STAFF'));
    expect(list.data.game.messages.map((m: { id: string; status: string }) => [m.id, m.status])).toEqual([
      [String(id), 'FAILED'],
      [String(resent.id), 'SENT'],
    ]);

    // A message not yet sent is not sent twice.
    const pending = await db
      .insert(messages)
      .values({
        kind: 'recall',
        playerId: player.id,
        gameId: game.id,
        to: newTo,
        body: 'pending',
        dedupeKey: `pending:${newTo}`,
      })
      .returning();
    const conflict = await server.gql(RESEND, { id: String(pending[0]!.id) }, await server.token('ADMIN'));
    expect(conflict.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const missing = await server.gql(RESEND, { id: '99999999' }, await server.token('ADMIN'));
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
