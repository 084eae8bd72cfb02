// The nuc dies mid-event and the ec2 standby takes over, as README "Failover to the ec2 standby"
// tells the operator to do it. A PostgreSQL 15 primary (the nuc, prepared by
// compose/nuc/init-replication.sh) and a hot standby cloned from it with pg_basebackup -R on the
// replica slot (as compose/ec2/replica-entrypoint.sh does), replicating synchronously, so that
// every write a client was told about is on the standby. An API process on the primary takes booth
// traffic. It runs without workers, so that the jobs the traffic queues (welcome and recall texts,
// souvenirs) are all still waiting in pg-boss's tables when the nuc dies, as they would be had its
// uplink gone first. Mid-traffic the primary and its API process are killed (SIGKILL: the power).
// What the standby lacks is read from the dead nuc's WAL with pg_waldump, as the runbook does. The
// standby is promoted with pg_promote(); a server process started on it serves every acknowledged
// game, takes new mutations, and its workers run the jobs that were waiting on the old primary, each
// text sent once. Last, the nuc is rebuilt as the new standby: cloned from the promoted server with
// pg_basebackup on a slot of its own, it streams what is written next.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioFake, twilioEnv, type TwilioFake } from '../fakes/twilio.fake.js';
import { waitFor } from '../helpers/fixtures.js';
import {
  createDatabase,
  hasPg15,
  libpqEnv,
  pgTool,
  startPrimary,
  startReplica,
  type Cluster,
} from '../helpers/pg-cluster.js';
import { testEnv } from '../helpers/server.js';
import {
  createShowAt,
  loginAs,
  postGql,
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';
import { expectAcknowledgedWrites, startTraffic, tallyTexts } from '../helpers/traffic.js';
import { delay } from '../helpers/ws.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
if (!hasPg15)
  console.warn(
    'failover.test: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin (apt-get install postgresql-15); skipped',
  );

const REPLICATION_PASSWORD = 'replication-test-pw';
const CLIENTS = 4;
const TRAFFIC_MS = 2_000;
const QUEUE = `query($s: ID) { queue(showId: $s) { version waiting { game { id } } recalled { id } confirmed { id } playing { id } } }`;

interface QueueReply {
  version: number;
  waiting: Array<{ game: { id: string } }>;
  recalled: Array<{ id: string }>;
  confirmed: Array<{ id: string }>;
  playing: Array<{ id: string }>;
}

/** Game id → state of the games a queue reply shows. */
function statesOf(q: QueueReply): Map<string, string> {
  const states = new Map<string, string>();
  for (const w of q.waiting) states.set(w.game.id, 'QUEUED');
  for (const g of q.recalled) states.set(g.id, 'RECALLED');
  for (const g of q.confirmed) states.set(g.id, 'CONFIRMED');
  for (const g of q.playing) states.set(g.id, 'PLAYING');
  return states;
}

/** The show's queue as its database holds it, with its version, in one snapshot. */
async function queueInDatabase(sql: postgres.Sql, showId: string) {
  return sql.begin('isolation level repeatable read read only', async (tx) => {
    const [head] = await tx`select coalesce(max(id), 0)::int as version from game_events where show_id = ${showId}`;
    const rows = await tx`select id::text, state::text from games where show_id = ${showId}
      and state in ('QUEUED', 'RECALLED', 'CONFIRMED', 'PLAYING')`;
    return {
      version: head!.version as number,
      states: new Map(rows.map((r) => [r.id as string, r.state as string])),
    };
  });
}

const lsnValue = (lsn: string) => {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
};

/**
 * What a dead primary wrote after `from` (the standby's last received position): pg_waldump reads
 * its WAL from there until the first invalid record, which is where the WAL ends.
 */
async function walAfter(c: Cluster, from: string): Promise<{ end: string; records: number; commits: number }> {
  const dir = path.join(c.dataDir, 'pg_wal');
  let out: string;
  try {
    const r = await pgTool('pg_waldump', ['-p', dir, '-s', from]);
    out = r.stdout + r.stderr;
  } catch (err) {
    // Reaching the end of the WAL is an error to pg_waldump; its message says where.
    out = (err as Error).message;
  }
  const lines = out.split('\n');
  const records = lines.filter((l) => /^rmgr: /.test(l));
  const ended = /error in WAL record at ([0-9A-F]+\/[0-9A-F]+)/.exec(out)?.[1];
  const lastLsn = records.length ? /lsn: ([0-9A-F]+\/[0-9A-F]+)/.exec(records.at(-1)!)?.[1] : undefined;
  if (!ended && !lastLsn && !/could not find a valid record after/.test(out))
    throw new Error(`pg_waldump: unexpected output\n${out.slice(0, 2_000)}`);
  return {
    end: ended ?? lastLsn ?? from,
    records: records.length,
    commits: records.filter((l) => /desc: COMMIT\b/.test(l)).length,
  };
}

describe.skipIf(!hasPg15)('failover: the nuc dies, the ec2 standby is promoted and takes over', () => {
  let nuc: Cluster;
  let ec2: Cluster;
  let rebuilt: Cluster | undefined;
  let onNuc: postgres.Sql;
  let onEc2: postgres.Sql;
  let fake: TwilioFake;
  const servers: ServerProcess[] = [];
  const dataDirs = [
    mkdtempSync(path.join(os.tmpdir(), 'mlb-failover-nuc-')),
    mkdtempSync(path.join(os.tmpdir(), 'mlb-failover-ec2-')),
  ];

  beforeAll(async () => {
    nuc = await startPrimary(['synchronous_commit=on']);
    await createDatabase(nuc, 'mlb');
    await run('bash', [path.join(root, 'compose/nuc/init-replication.sh')], {
      env: { ...libpqEnv(nuc, 'mlb'), POSTGRES_USER: 'postgres', POSTGRES_DB: 'mlb', REPLICATION_PASSWORD },
    });
    ec2 = await startReplica(nuc, { user: 'replicator', password: REPLICATION_PASSWORD, slot: 'ec2_replica' });
    onNuc = postgres(nuc.url('mlb'), { max: 2, onnotice: () => {} });
    onEc2 = postgres(ec2.url('mlb'), { max: 2, onnotice: () => {} });
    // Synchronous replication: a commit returns once the standby has it on disk.
    await onNuc`alter system set synchronous_standby_names = '*'`;
    await onNuc`select pg_reload_conf()`;
    await waitFor(
      async () => (await onNuc`select sync_state from pg_stat_replication`)[0]?.sync_state === 'sync',
      10_000,
      'the standby to replicate synchronously',
    );
    fake = await startTwilioFake();
  }, 90_000);

  afterAll(async () => {
    for (const s of servers) await stopServerProcess(s);
    await onNuc?.end({ timeout: 0 }).catch(() => {});
    await onEc2?.end({ timeout: 1 });
    await fake?.close();
    await rebuilt?.stop();
    await ec2?.stop();
    await nuc?.stop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('every acknowledged game is served by the promoted standby, whose workers run the jobs left waiting', async () => {
    const base = {
      ...twilioEnv(fake),
      LOG_LEVEL: 'warn',
      JOB_EXPIRE_SECONDS: '3',
      JOB_MONITOR_SECONDS: '1',
      JOB_RETRY_DELAY_MAX_SECONDS: '1',
      RECALL_INTERVAL_SECONDS: '2',
    };
    const onTheNuc = await startServerProcess(testEnv(nuc.url('mlb'), { ...base, DATA_DIR: dataDirs[0]! }), ['api']);
    servers.push(onTheNuc);
    const admin = await loginAs(onTheNuc.url, 'user');
    const tablet = await loginAs(onTheNuc.url, 'mlbtablet');
    const vrGame = await loginAs(onTheNuc.url, 'mlbvrgame');
    const showId = await createShowAt(onTheNuc.url, admin, 'Failover Night');
    let numbers = 0;
    const traffic = startTraffic({
      url: () => onTheNuc.url,
      tablet,
      vrGame,
      showId,
      clients: CLIENTS,
      tag: 'Nuc',
      nextMobile: () => `+1202555${String(2000 + numbers++).padStart(4, '0')}`,
    });
    // The nuc's flushed WAL position, sampled as the traffic runs: its WAL reaches at least the last sample.
    let lastNucLsn = '0/0';
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        try {
          lastNucLsn = (await onNuc`select pg_current_wal_flush_lsn()::text as lsn`)[0]!.lsn as string;
        } catch {
          return;
        }
        await delay(10);
      }
    })();
    await delay(TRAFFIC_MS);
    sampling = false;
    await sampler;

    // The nuc loses its power: PostgreSQL and the API process at once.
    onTheNuc.proc.kill('SIGKILL');
    await nuc.kill();
    const killedAt = Date.now();
    await onTheNuc.exited;
    await traffic.stop();
    await onNuc.end({ timeout: 0 }).catch(() => {});

    // On ec2: what the standby has received and replayed, and what the dead nuc's WAL holds beyond it.
    const [lag] = await onEc2`select pg_is_in_recovery() as standby,
      pg_last_wal_receive_lsn()::text as received, pg_last_wal_replay_lsn()::text as replayed,
      extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as last_replayed_seconds_ago`;
    expect(lag!.standby).toBe(true);
    const missing = await walAfter(nuc, lag!.received as string);
    const missingBytes = lsnValue(missing.end) - lsnValue(lag!.received as string);
    expect(missingBytes).toBeGreaterThanOrEqual(0n);
    expect(lsnValue(missing.end)).toBeGreaterThanOrEqual(lsnValue(lastNucLsn));
    const promoteStarted = Date.now();
    const [promoted] = await onEc2`select pg_promote(true, 60) as done`;
    expect(promoted!.done).toBe(true);
    const promoteMs = Date.now() - promoteStarted;
    expect((await onEc2`select pg_is_in_recovery() as r`)[0]!.r).toBe(false);
    const pending = await onEc2`select name, state::text, count(*)::int as n from pgboss.job
      where state in ('created', 'retry', 'active') group by name, state order by name, state`;
    const pendingIds = (
      await onEc2`select id from pgboss.job where state in ('created', 'retry', 'active')
      and name in ('sms', 'souvenir', 'upload')`
    ).map((r) => r.id as string);
    expect(pendingIds.length, 'jobs waiting on the nuc when it died').toBeGreaterThan(0);
    expect(fake.requests, 'no text went out from the nuc').toHaveLength(0);

    // Everything the booth was told happened is on the promoted standby.
    await expectAcknowledgedWrites(onEc2, traffic);

    // The API and workers on ec2, now on its own database (no NUC_DATABASE_URL).
    const onEc2Server = await startServerProcess(testEnv(ec2.url('mlb'), { ...base, DATA_DIR: dataDirs[1]! }));
    servers.push(onEc2Server);
    const upMs = Date.now() - killedAt;
    const tablet2 = await loginAs(onEc2Server.url, 'mlbtablet');
    // The queue it serves is the queue in its database (compared while auto-recall holds still).
    let served: Map<string, string> | undefined;
    for (let attempt = 0; attempt < 10 && !served; attempt++) {
      const before = await queueInDatabase(onEc2, showId);
      const r = await postGql<{ queue: QueueReply }>(onEc2Server.url, QUEUE, { s: showId }, tablet2);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const after = await queueInDatabase(onEc2, showId);
      if (before.version !== after.version || r.data!.queue.version !== after.version) continue;
      served = statesOf(r.data!.queue);
      expect(served).toEqual(after.states);
    }
    expect(served, 'the queue never held still').toBeDefined();
    // Each acknowledged game that was last left in the queue is served in that state (or moved by
    // auto-recall, or by the move that was in flight).
    for (const game of traffic.games.values()) {
      const last = game.acked.at(-1)!;
      if (!['QUEUED', 'CONFIRMED', 'PLAYING'].includes(last) || game.inFlight) continue;
      const state = served!.get(String(game.gameId));
      expect(
        state === last || (last === 'QUEUED' && state === 'RECALLED'),
        `game ${game.gameId}: ${last} → ${state}`,
      ).toBe(true);
    }

    // New mutations are taken.
    const signUp = await postGql<{ signUp: { id: string; activeGame: { id: string } } }>(
      onEc2Server.url,
      `mutation($i: SignUpInput!) { signUp(input: $i) { id activeGame { id } } }`,
      { i: { firstName: 'After', lastName: 'Failover', handedness: 'LEFT', showId, mobileNumber: '+12025559001' } },
      tablet2,
    );
    expect(signUp.errors, JSON.stringify(signUp.errors)).toBeUndefined();
    const newGame = signUp.data!.signUp.activeGame.id;
    const queued = await postGql<{ queueGame: { state: string } }>(
      onEc2Server.url,
      `mutation($id: ID!) { queueGame(id: $id) { state } }`,
      { id: newGame },
      tablet2,
    );
    expect(queued.data?.queueGame.state).toBe('QUEUED');

    // Its workers run the jobs that were waiting on the nuc.
    await waitFor(
      async () => {
        const [row] =
          await onEc2`select count(*)::int as n from pgboss.job where id = any(${pendingIds}::uuid[]) and state = 'completed'`;
        return row!.n === pendingIds.length;
      },
      45_000,
      'the jobs left on the nuc to complete on ec2',
    ).catch(async (err: Error) => {
      const left = await onEc2`select name, state, count(*)::int as n from pgboss.job
        where id = any(${pendingIds}::uuid[]) and state <> 'completed' group by 1, 2`;
      throw new Error(`${err.message}; not completed: ${JSON.stringify(left)}`);
    });
    await waitFor(
      async () => (await onEc2`select count(*)::int as n from messages where status = 'queued'`)[0]!.n === 0,
      20_000,
      'every text to be sent',
    );
    const texts = await tallyTexts(onEc2, fake.accepted());
    expect(texts.failed).toBe(0);
    // Every acknowledged sign-up's welcome text went out (once: tallyTexts), or no longer mattered.
    const welcomes = await onEc2`select "to", status::text from messages where kind = 'welcome'`;
    const welcomed = new Map(welcomes.map((w) => [w.to as string, w.status as string]));
    const unwelcomed = [...traffic.players.values()].filter(
      (p) => !['sent', 'skipped'].includes(welcomed.get(p.mobile)!),
    );
    expect(unwelcomed).toEqual([]);
    const [souvenirs] =
      await onEc2`select count(*)::int as n from games where state = 'COMPLETED' and souvenir_url is not null`;

    // The nuc rebuilt as the new standby: cloned from ec2 on a slot of its own, streaming from then on.
    await onEc2`select pg_create_physical_replication_slot('nuc_standby')`;
    rebuilt = await startReplica(ec2, { user: 'replicator', password: REPLICATION_PASSWORD, slot: 'nuc_standby' });
    const onRebuilt = postgres(rebuilt.url('mlb'), { max: 1, onnotice: () => {} });
    try {
      const cancelled = await postGql(
        onEc2Server.url,
        `mutation($id: ID!) { cancelGame(id: $id) { state } }`,
        { id: newGame },
        tablet2,
      );
      expect(cancelled.errors, JSON.stringify(cancelled.errors)).toBeUndefined();
      const { lsn } = (await onEc2`select pg_current_wal_insert_lsn()::text as lsn`)[0]!;
      await waitFor(
        async () =>
          (await onRebuilt`select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ${lsn as string}::pg_lsn) >= 0 as done`)[0]!
            .done,
        15_000,
        'the rebuilt standby to replay',
      );
      const [mirrored] =
        await onRebuilt`select state::text, pg_is_in_recovery() as standby from games where id = ${newGame}`;
      expect(mirrored).toEqual({ state: 'CANCELLED', standby: true });
    } finally {
      await onRebuilt.end({ timeout: 1 });
    }

    console.info(
      `failover: ${traffic.acknowledged()} mutations acknowledged before the kill (${traffic.players.size} players, ` +
        `${traffic.games.size} games), ${traffic.failed()} refused or unanswered; at promotion the standby had received ` +
        `and replayed ${lag!.replayed}, the last transaction replayed ${Number(lag!.last_replayed_seconds_ago).toFixed(3)} s ` +
        `before; the nuc's WAL ended at ${missing.end} (last sampled ${lastNucLsn}): ${missingBytes} bytes, ` +
        `${missing.records} records, ${missing.commits} commits the standby never got (none acknowledged); pg_promote took ${promoteMs} ms; the ec2 server was up ` +
        `${upMs} ms after the kill; jobs waiting at promotion ${JSON.stringify(pending)}, all ${pendingIds.length} completed on ec2; ` +
        `texts ${JSON.stringify(texts)}; souvenirs ${souvenirs!.n}`,
    );
  }, 120_000);
});
