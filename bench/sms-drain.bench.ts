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
const TEXTS_PER_PLAYER = 2;
const log = (msg: string) => console.error(`[sms-drain] ${msg}`);

const smsDrain: BenchModule = async () => {
  const database = await createBenchDatabase('sms_drain');
  const db = openDatabase({ url: database.url, max: 4 });
  const boss = await startBoss({ url: database.url, log: createLogger('warn'), supervise: false, max: 4 });
  let worker: Awaited<ReturnType<typeof startBenchServer>> | undefined;
  try {
    // Two texts per player, as a fan gets a welcome and a recall: a player's texts go out in order,
    // one after the other, so a backlog drains across players, never faster than one player's chain.
    const fans = await db.db
      .insert(players)
      .values(
        Array.from({ length: Math.ceil(MESSAGES / TEXTS_PER_PLAYER) }, (_, i) => ({
          firstName: 'Bench',
          handedness: 'RIGHT' as const,
          mobileNumber: `+1415555${String(i).padStart(4, '0')}`,
        })),
      )
      .returning({ id: players.id, mobileNumber: players.mobileNumber });
    log(`queueing ${MESSAGES} messages to ${fans.length} players`);
    for (let i = 0; i < MESSAGES; i += 500) {
      await db.db.transaction(async (tx) => {
        for (let j = i; j < Math.min(i + 500, MESSAGES); j++) {
          const fan = fans[j % fans.length]!;
          await queueSms(tx, boss, {
            kind: 'recall',
            playerId: fan.id,
            to: fan.mobileNumber!,
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
        `${MESSAGES} messages to ${Math.ceil(MESSAGES / TEXTS_PER_PLAYER)} players (${TEXTS_PER_PLAYER} each) queued through the outbox (row + pg-boss job) before the worker starts; each job re-reads and claims its row, checks the text still matters and that the player's earlier texts went first, asks the breaker, "sends", and marks it sent. A player's second text waits for the first.`,
        'Worker: batches of 20 jobs fetched per round trip, 2 fetch loops, jobs of a batch sent concurrently (their leases, attempt marks and settles one statement each per batch), per-job results.',
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
