// SMS jobs drained per second by one worker process with the log sender: a backlog of queued
// messages is written first, then a worker (src/main.ts worker) is started and timed until the
// last one is sent.
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';
import { players } from '../src/db/schema.js';
import { startBoss } from '../src/jobs/boss.js';
import { createLogger } from '../src/log.js';
import { queueSms } from '../src/jobs/outbox.js';
import type { BenchModule, BenchRow } from './section.js';
import { createBenchDatabase, startBenchServer } from './server.js';

const MESSAGES = Number(process.env.BENCH_SMS_MESSAGES ?? 5000);
const GOAL_PER_SECOND = 500;
const log = (msg: string) => console.error(`[sms-drain] ${msg}`);

const smsDrain: BenchModule = async () => {
  const database = await createBenchDatabase('sms_drain');
  const db = openDatabase({ url: database.url, max: 4 });
  const boss = await startBoss({ url: database.url, log: createLogger('warn'), supervise: false, max: 4 });
  let worker: Awaited<ReturnType<typeof startBenchServer>> | undefined;
  try {
    const [player] = await db.db
      .insert(players)
      .values({ firstName: 'Bench', handedness: 'RIGHT', mobileNumber: '+14155550100' })
      .returning();
    log(`queueing ${MESSAGES} messages`);
    for (let i = 0; i < MESSAGES; i += 500) {
      await db.db.transaction(async (tx) => {
        for (let j = i; j < Math.min(i + 500, MESSAGES); j++) {
          await queueSms(tx, boss, {
            kind: 'recall',
            playerId: player!.id,
            to: '+14155550100',
            body: `Hi Bench, it is nearly your turn (${j})`,
            dedupeKey: `bench:${j}`,
          });
        }
      });
    }
    log('starting one worker process (log sender, LOG_LEVEL=info so every message is logged)');
    worker = await startBenchServer({ label: 'sms_drain', role: 'worker', database, env: { LOG_LEVEL: 'info' } });
    const deadline = Date.now() + 10 * 60_000;
    let sent = 0;
    while (sent < MESSAGES && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      const [row] = (await db.db.execute(
        sql`select count(*)::int as n from messages where status = 'sent'`,
      )) as unknown as Array<{ n: number }>;
      sent = row!.n;
    }
    // The database's own clock: from the first message sent to the last, worker start-up excluded.
    const [span] = (await db.db.execute(
      sql`select count(*)::int as n, extract(epoch from max(updated_at) - min(updated_at))::float8 as seconds from messages where status = 'sent'`,
    )) as unknown as Array<{ n: number; seconds: number }>;
    const rate = span!.seconds > 0 ? (span!.n - 1) / span!.seconds : NaN;
    const [attempts] = (await db.db.execute(sql`select max(attempts)::int as max from messages`)) as unknown as Array<{
      max: number;
    }>;
    const rows: BenchRow[] = [
      {
        name: 'one worker process, log sender',
        messages: span!.n,
        seconds: Math.round(span!.seconds * 100) / 100,
        'messages/s': Math.round(rate),
        'max attempts': attempts!.max,
      },
    ];
    return {
      title: 'SMS outbox drain: jobs per second by one worker',
      rows,
      goals: [
        `≥ ${GOAL_PER_SECOND} messages/s: ${rate >= GOAL_PER_SECOND ? 'met' : 'NOT met'} (${Math.round(rate)}/s)`,
      ],
      notes: [
        `${MESSAGES} messages queued through the outbox (row + pg-boss job) before the worker starts; each job re-reads and claims its row, "sends", and marks it sent.`,
        'Worker: batches of 20 jobs fetched per round trip, 2 fetch loops, jobs of a batch sent concurrently, per-job results.',
      ],
    };
  } finally {
    await worker?.stop();
    await boss.stop({ graceful: false, close: true });
    await db.close();
    await database.drop();
  }
};

export default smsDrain;
