// A Twilio that answers too late: each request hangs 6 s before the message is accepted, longer
// than the client waits. The attempt's outcome is unknown, so the message stays leased and the
// next attempt asks Twilio (messages to that number since the attempt began) before sending again.
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { messages, type Message } from '../../src/db/schema.js';
import { queueSms } from '../../src/jobs/outbox.js';
import { smsClientTimeoutMs } from '../../src/sms/create-sender.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { startTwilioFake, twilioEnv } from '../fakes/twilio.fake.js';
import { useTestServer } from '../helpers/server.js';

const fake = await startTwilioFake();
afterAll(() => fake.close());
const JOB_EXPIRE_SECONDS = 5;
const server = await useTestServer({
  env: {
    ...twilioEnv(fake),
    JOB_EXPIRE_SECONDS: String(JOB_EXPIRE_SECONDS),
    JOB_MONITOR_SECONDS: '1',
    JOB_RETRY_DELAY_MAX_SECONDS: '1',
  },
});
const db = server.app.context.database.db;

/** A player with this number and a welcome text queued to it, as sign-up queues one. */
async function queueWelcome(to: string, body: string) {
  const player = await fixtures(db).player({ mobileNumber: to });
  const id = (await db.transaction((tx) =>
    queueSms(tx, server.app.context.boss, {
      kind: 'welcome',
      playerId: player.id,
      to,
      body,
      dedupeKey: `welcome:${player.id}`,
    }),
  ))!;
  return { player, id };
}

it('keeps the client timeout well below the job expiry', () => {
  expect(smsClientTimeoutMs(JOB_EXPIRE_SECONDS)).toBeLessThanOrEqual((JOB_EXPIRE_SECONDS * 1000) / 3);
  expect(smsClientTimeoutMs(60)).toBe(15_000);
});

it('texts once when Twilio accepts every request only after the client gave up', async () => {
  const to = '+15559870101';
  // Every request of this test is slow: a resend would be accepted just as late, and counted.
  fake.script(...Array.from({ length: 6 }, () => ({ kind: 'slow' as const, ms: 6000 })));
  const { id } = await queueWelcome(to, 'Welcome, slow network!');
  const sent = await waitFor(
    async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, id));
      return m!.status === 'sent' ? m : undefined;
    },
    30_000,
    'message sent',
  );
  // Long enough for any further attempt to have reached the fake and been accepted.
  await new Promise((r) => setTimeout(r, 8000));
  const accepted = fake.accepted(to);
  expect(accepted).toHaveLength(1);
  expect(fake.requests.filter((r) => r.to === to)).toHaveLength(1);
  expect((sent as Message).providerId).toBe(accepted[0]!.sid);
  expect((sent as Message).attempts).toBe(1);
  // The second attempt found it by asking, not by sending.
  expect(fake.lookups.filter((l) => l.to === to).length).toBeGreaterThanOrEqual(1);
  const [after] = await db.select().from(messages).where(eq(messages.id, id));
  expect(after).toMatchObject({ status: 'sent', leaseUntil: null, unconfirmedSince: null });
}, 60_000);

it('records an unanswered welcome that went out as sent, even though the player has played since', async () => {
  const to = '+15559870102';
  // The first request is accepted only after the client gave up; the lookup then answers at once.
  fake.script({ kind: 'slow', ms: 6000 });
  const { player, id } = await queueWelcome(to, 'Welcome, fast player!');
  await waitFor(async () => (fake.requests.some((r) => r.to === to) ? true : undefined), 10_000, 'first request');
  // While the answer is lost the player plays: a welcome not yet sent would now be stale.
  const show = await fixtures(db).show();
  await fixtures(db).completedGame(player.id, show.id);
  const settled = await waitFor(
    async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, id));
      return m!.status === 'queued' ? undefined : m;
    },
    30_000,
    'message settled',
  );
  const accepted = fake.accepted(to);
  expect(accepted).toHaveLength(1);
  expect(settled).toMatchObject({ status: 'sent', providerId: accepted[0]!.sid, error: null });
}, 60_000);
