// A worker process killed (SIGKILL) mid-send: its job expires, a second worker runs it again, and
// the player still receives exactly one message — whether Twilio never answered the first request
// (the second worker asks Twilio, finds nothing and sends) or had accepted it (the second worker
// finds it and records it as sent without sending again).
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { messages } from '../../src/db/schema.js';
import { queueSms } from '../../src/jobs/outbox.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { startTwilioFake, twilioEnv, type FakeRequest } from '../fakes/twilio.fake.js';
import { createTestDatabase } from '../helpers/db.js';
import { startTestServer, testEnv } from '../helpers/server.js';

const JOBS = { JOB_EXPIRE_SECONDS: '2', JOB_MONITOR_SECONDS: '1', JOB_RETRY_DELAY_MAX_SECONDS: '1' };

const fake = await startTwilioFake();
const database = await createTestDatabase();
// Sends jobs only: no workers here, so the child process is the one that takes the job.
const producer = await startTestServer({ database, api: false, worker: false, env: { ...twilioEnv(fake), ...JOBS } });
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await producer.stop();
  await fake.close();
  await database.drop();
});

function startWorkerProcess(): { child: ChildProcess; ready: Promise<void>; output: () => string } {
  const env = {
    ...process.env,
    ...testEnv(database.url, { ...twilioEnv(fake), ...JOBS, LOG_LEVEL: 'info' }),
    SECRETS_DIR: '/nonexistent',
  };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'worker'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('"workers started"')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`worker exited early (${code ?? signal}):\n${out}`)));
  });
  return { child, ready, output: () => out };
}

it('runs the job again after a worker is killed mid-send, and texts the player once', async () => {
  const first = startWorkerProcess();
  await first.ready;

  const to = '+15559870001';
  fake.script({ kind: 'hang' });
  const killed = new Promise<FakeRequest>((resolve) => {
    fake.events.once('request', (req: FakeRequest) => {
      // The request is in flight and unanswered: kill the worker now, mid-job.
      first.child.kill('SIGKILL');
      resolve(req);
    });
  });
  const db = producer.app.context.database.db;
  const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: to });
  const messageId = await db.transaction((tx) =>
    queueSms(tx, producer.app.context.boss, {
      kind: 'welcome',
      playerId: player.id,
      to,
      body: 'Welcome, Casey!',
      dedupeKey: `welcome:${player.id}`,
    }),
  );
  expect(messageId).toBeTypeOf('number');

  const hung = await killed;
  expect(hung.to).toBe(to);
  await once(first.child, 'exit');
  expect(first.child.signalCode).toBe('SIGKILL');
  const sql = producer.app.context.database.primarySql;
  const [job] =
    await sql`select state from pgboss.job where name = 'sms' and data->>'messageId' = ${String(messageId)}`;
  expect(job!.state).toBe('active');
  const [afterCrash] = await db.select().from(messages).where(eq(messages.id, messageId!));
  expect(afterCrash!.status).toBe('queued');
  expect(afterCrash!.attempts).toBe(1);

  // A second worker finds the expired job and sends it.
  const second = startWorkerProcess();
  await second.ready;
  const sent = await waitFor(
    async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, messageId!));
      return m!.status === 'sent' ? m : undefined;
    },
    25_000,
    'message sent by the second worker',
  );
  expect(sent!.attempts).toBe(2);
  expect(fake.requests.filter((r) => r.to === to)).toHaveLength(2);
  expect(fake.accepted(to)).toHaveLength(1);
  expect(sent!.providerId).toBe(fake.accepted(to)[0]!.sid);

  second.child.kill('SIGTERM');
  const [code] = await once(second.child, 'exit');
  expect(code, second.output()).toBe(0);
}, 60_000);

it('records, without sending again, a text Twilio accepted just before the worker was killed', async () => {
  const first = startWorkerProcess();
  await first.ready;
  const to = '+15559870002';
  const accepted = new Promise<FakeRequest>((resolve) => {
    fake.events.once('accepted', (req: FakeRequest) => {
      // Accepted by Twilio, the answer not yet written: the worker dies before it can record it.
      first.child.kill('SIGKILL');
      resolve(req);
    });
  });
  const db = producer.app.context.database.db;
  const player = await fixtures(db).player({ mobileNumber: to });
  const messageId = (await db.transaction((tx) =>
    queueSms(tx, producer.app.context.boss, {
      kind: 'recall',
      playerId: player.id,
      to,
      body: 'Come back now, Casey!',
      dedupeKey: `recall:crash:${player.id}`,
    }),
  ))!;
  const sid = (await accepted).sid;
  await once(first.child, 'exit');
  const [afterCrash] = await db.select().from(messages).where(eq(messages.id, messageId));
  expect(afterCrash).toMatchObject({ status: 'queued', attempts: 1, providerId: null });
  expect(afterCrash!.unconfirmedSince).toBeInstanceOf(Date);

  const second = startWorkerProcess();
  await second.ready;
  const sent = await waitFor(
    async () => {
      const [m] = await db.select().from(messages).where(eq(messages.id, messageId));
      return m!.status === 'sent' ? m : undefined;
    },
    25_000,
    'message recorded by the second worker',
  );
  expect(sent!.providerId).toBe(sid);
  expect(sent!.attempts).toBe(1);
  expect(fake.requests.filter((r) => r.to === to)).toHaveLength(1);
  expect(fake.accepted(to)).toHaveLength(1);
  expect(fake.lookups.some((l) => l.to === to)).toBe(true);

  second.child.kill('SIGTERM');
  const [code] = await once(second.child, 'exit');
  expect(code, second.output()).toBe(0);
}, 60_000);
