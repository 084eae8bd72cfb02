// The nuc's power goes out in the middle of the day. The server (one process: API and workers, as
// `npm start` runs it) on a PostgreSQL 15 cluster of this test's own, with synchronous_commit on as
// in production, takes a burst of booth traffic: sign-ups with welcome texts, queueing, auto-recalls
// with their texts, games played to the end with their souvenirs, cancellations and "play again".
// At a moment drawn from the seed, the server process and every PostgreSQL process get SIGKILL at
// once; then both are started again and:
// - every mutation the server acknowledged is in the database, in order, and nothing unexplained
//   follows it; every game's state is the target of its last event; no player has two active games;
// - every text was accepted by (the fake) Twilio exactly once or is still queued: none lost, none
//   sent twice, however the kill cut a send;
// - auto-recall resumes within its interval: the recalls of before the cut are backdated past the
//   window (the power was out longer than RECALL_WINDOW_MINUTES), and the periodic pass must fill
//   the window again by itself;
// - a tablet that reconnects gets a fresh snapshot of the queue, the one the database holds.
// The seeds run one after another on the same database, so each cut also lands on the last one's aftermath.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioFake, twilioEnv, type TwilioFake } from '../fakes/twilio.fake.js';
import { createDatabase, hasPg15, startPrimary, type Cluster } from '../helpers/pg-cluster.js';
import { testEnv } from '../helpers/server.js';
import {
  createShowAt,
  loginAs,
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';
import { expectAcknowledgedWrites, startTraffic, tallyTexts } from '../helpers/traffic.js';
import { connectWs, delay, subscribe } from '../helpers/ws.js';
import { waitFor } from '../helpers/fixtures.js';

if (!hasPg15)
  console.warn(
    'power-loss.test: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin (apt-get install postgresql-15); skipped',
  );

const SEEDS = [1, 2, 3];
const CLIENTS = 4;
/** The cut comes this long after the burst starts, drawn from the seed. */
const CUT_AFTER_MS = { min: 700, max: 2_200 };
const RECALL_INTERVAL_SECONDS = 2;
const RECALL_WINDOW_SIZE = 2;

/** mulberry32: a small seeded generator, so a failing seed can be run again as it was. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const QUEUE_SUBSCRIPTION = `subscription($s: ID) { queueChanged(showId: $s) {
  version waiting { game { id } } recalled { id } confirmed { id } playing { id } } }`;

interface Snapshot {
  version: number;
  waiting: Array<{ game: { id: string } }>;
  recalled: Array<{ id: string }>;
  confirmed: Array<{ id: string }>;
  playing: Array<{ id: string }>;
}

describe.skipIf(!hasPg15)('power loss: the server and PostgreSQL killed at once', () => {
  let cluster: Cluster;
  let server: ServerProcess | undefined;
  let sql: postgres.Sql;
  let fake: TwilioFake;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-power-loss-'));

  beforeAll(async () => {
    // Committed means on disk, as in production; fsync stays off (a killed process loses no write).
    cluster = await startPrimary(['synchronous_commit=on']);
    await createDatabase(cluster, 'mlb');
    fake = await startTwilioFake();
  }, 60_000);

  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await sql?.end({ timeout: 1 });
    await fake?.close();
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** The queue as the database holds it, with its version, read in one snapshot. */
  async function queueInDatabase(showId: string) {
    return sql.begin('isolation level repeatable read read only', async (tx) => {
      const [head] = await tx`select coalesce(max(id), 0)::int as version from game_events where show_id = ${showId}`;
      const rows = await tx`select id::text, state::text from games where show_id = ${showId}
        and state in ('QUEUED', 'RECALLED', 'CONFIRMED', 'PLAYING')`;
      const ids = (state: string) =>
        rows
          .filter((r) => r.state === state)
          .map((r) => r.id as string)
          .sort();
      return {
        version: head!.version as number,
        waiting: ids('QUEUED'),
        recalled: ids('RECALLED'),
        confirmed: ids('CONFIRMED'),
        playing: ids('PLAYING'),
      };
    });
  }

  const idsOf = (s: Snapshot) => ({
    version: s.version,
    waiting: s.waiting.map((w) => w.game.id).sort(),
    recalled: s.recalled.map((g) => g.id).sort(),
    confirmed: s.confirmed.map((g) => g.id).sort(),
    playing: s.playing.map((g) => g.id).sort(),
  });

  it('loses no acknowledged write, sends every text once, resumes auto-recall and serves fresh snapshots', async () => {
    const env = testEnv(cluster.url('mlb'), {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      ...twilioEnv(fake),
      // A killed send is retried after its lease (twice the expiry) and looked up at Twilio first.
      JOB_EXPIRE_SECONDS: '2',
      JOB_MONITOR_SECONDS: '1',
      JOB_RETRY_DELAY_MAX_SECONDS: '1',
      RECALL_WINDOW_SIZE: String(RECALL_WINDOW_SIZE),
      RECALL_WINDOW_MINUTES: '20',
      RECALL_INTERVAL_SECONDS: String(RECALL_INTERVAL_SECONDS),
      // The backdated recalls stand for a long outage, not for players who never came: no no-shows.
      NO_SHOW_MINUTES: '1440',
    });
    server = await startServerProcess(env);
    sql = postgres(cluster.url('mlb'), { max: 2, onnotice: () => {} });
    const admin = await loginAs(server.url, 'user');
    const showId = await createShowAt(server.url, admin, 'Blackout Night');
    let numbers = 0;
    const report: Array<Record<string, unknown>> = [];

    for (const seed of SEEDS) {
      const draw = random(seed);
      const tablet = await loginAs(server.url, 'mlbtablet');
      const vrGame = await loginAs(server.url, 'mlbvrgame');
      // A tablet following the queue from before the cut.
      const ws = connectWs(server.url, tablet);
      const sub = subscribe<{ queueChanged: Snapshot }>(ws, QUEUE_SUBSCRIPTION, { s: showId });
      await sub.nth(0);
      // Slow answers from Twilio keep sends in flight, so the cut lands on some of them.
      fake.script(...Array.from({ length: 300 }, () => ({ kind: 'slow' as const, ms: 100 })));

      const url = server.url;
      const traffic = startTraffic({
        url: () => url,
        tablet,
        vrGame,
        showId,
        clients: CLIENTS,
        tag: `Cut${String.fromCharCode(96 + seed)}`,
        nextMobile: () => `+1202555${String(1000 + numbers++).padStart(4, '0')}`,
        waitingFirst: seed === SEEDS[0] ? 2 : 0,
      });
      const cutAfter = Math.round(CUT_AFTER_MS.min + draw() * (CUT_AFTER_MS.max - CUT_AFTER_MS.min));
      await delay(cutAfter);
      // The power goes: the server and every PostgreSQL process at the same instant.
      server.proc.kill('SIGKILL');
      await cluster.kill();
      await server.exited;
      await traffic.stop();
      const closed = await ws.closed;
      expect(closed.code).not.toBe(1000);
      await ws.dispose();
      const acceptedAtCut = fake.accepted().length;

      // The power comes back: PostgreSQL recovers from its WAL, then the server starts.
      const cutAt = Date.now();
      await cluster.start();
      const postgresUpMs = Date.now() - cutAt;
      await sql.end({ timeout: 0 }).catch(() => {});
      sql = postgres(cluster.url('mlb'), { max: 2, onnotice: () => {} });
      const [atCut] = await sql`select
        count(*) filter (where status = 'queued')::int as queued,
        count(*) filter (where status = 'sent')::int as sent,
        count(*)::int as total from messages`;
      const activeJobs =
        await sql`select name, count(*)::int as n from pgboss.job where state = 'active' group by name`;
      // The cut lasted longer than the recall window: every recall of before has lapsed.
      const lapsed = await sql`update games set recalled_at = recalled_at - interval '1 hour'
        where state = 'RECALLED' returning id`;
      const [waiting] = await sql`select count(*)::int as n from games g join players p on p.id = g.player_id
        where g.show_id = ${showId} and g.state = 'QUEUED' and p.mobile_number is not null`;
      expect(waiting!.n, 'players waiting to be recalled after the cut').toBeGreaterThan(0);
      const [last] = await sql`select coalesce(max(id), 0)::int as id from game_events`;

      const startedAt = Date.now();
      server = await startServerProcess(env);
      const upAt = Date.now();
      const recalled = await waitFor(
        async () => {
          const [row] = await sql`select count(*)::int as n from game_events
            where id > ${last!.id} and to_state = 'RECALLED' and actor = 'system'`;
          return row!.n >= Math.min(RECALL_WINDOW_SIZE, waiting!.n) ? row!.n : undefined;
        },
        RECALL_INTERVAL_SECONDS * 1000 + 10_000,
        'auto-recall after the restart',
      );
      const recallAfterMs = Date.now() - upAt;

      await expectAcknowledgedWrites(sql, traffic);

      // A tablet that reconnects gets the queue as it is now, not as it was before the cut.
      let fresh: { snapshot: ReturnType<typeof idsOf>; db: Awaited<ReturnType<typeof queueInDatabase>> } | undefined;
      for (let attempt = 0; attempt < 10 && !fresh; attempt++) {
        const dbBefore = await queueInDatabase(showId);
        const again = connectWs(server.url, tablet);
        const s = subscribe<{ queueChanged: Snapshot }>(again, QUEUE_SUBSCRIPTION, { s: showId });
        const first = idsOf((await s.nth(0, 10_000)).queueChanged);
        const dbAfter = await queueInDatabase(showId);
        await again.dispose();
        // Auto-recall may move the queue meanwhile; compare only when the database held still.
        if (dbBefore.version === dbAfter.version) fresh = { snapshot: first, db: dbAfter };
      }
      expect(fresh, 'the queue never held still for a snapshot').toBeDefined();
      expect(fresh!.snapshot).toEqual(fresh!.db);
      expect(fresh!.snapshot.version).toBeGreaterThanOrEqual(sub.messages.at(-1)!.queueChanged.version);

      // The texts drain: each accepted once, however the cut fell.
      const checkedAt = Date.now();
      await waitFor(
        async () => (await sql`select count(*)::int as n from messages where status = 'queued'`)[0]!.n === 0,
        20_000,
        'the texts queued before the cut to be sent',
      ).catch(() => {});
      const drainMs = Date.now() - checkedAt;
      const final = await tallyTexts(sql, fake.accepted());
      expect(final.failed).toBe(0);
      report.push({
        seed,
        cutAfterMs: cutAfter,
        acknowledged: traffic.acknowledged(),
        unanswered: traffic.failed(),
        players: traffic.players.size,
        messagesAtCut: atCut,
        acceptedByTwilioAtCut: acceptedAtCut,
        jobsActiveAtCut: Object.fromEntries(activeJobs.map((j) => [j.name, j.n])),
        recallsLapsed: lapsed.length,
        postgresUpMs,
        serverUpMs: upAt - startedAt,
        autoRecallAfterMs: recallAfterMs,
        drainMs,
        autoRecalled: recalled,
        texts: { sent: final.sent, skipped: final.skipped, pending: final.pending, accepted: final.accepted },
      });
      // The first periodic job is sent one interval after the workers start, and fetched within the
      // recall queue's polling interval (at most 2 s); a loaded machine gets 2 s more.
      expect(recallAfterMs).toBeLessThanOrEqual(RECALL_INTERVAL_SECONDS * 1000 + 2_000 + 2_000);
    }
    console.info(`power-loss:\n${report.map((r) => JSON.stringify(r)).join('\n')}`);
    expect(server.output()).not.toMatch(/TypeError|uncaught/i);
  }, 240_000);
});
