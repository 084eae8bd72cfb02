// The ec2 set-up for real: a PostgreSQL 15 primary (the nuc, prepared by compose/nuc/init-replication.sh)
// and a hot standby cloned from it with pg_basebackup -R and streaming. The server gets
// DATABASE_URL → replica and NUC_DATABASE_URL → primary. Pausing the replica's replay shows which
// side answers: mutations (and what they return) come from the primary, queries from the replica,
// subscriptions from the primary's NOTIFY, jobs from the primary's queue.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { messages } from '../../src/db/schema.js';
import { createDatabase, hasPg15, libpqEnv, startPrimary, startReplica, type Cluster } from '../helpers/pg-cluster.js';
import { seedShow } from '../helpers/api.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
if (!hasPg15)
  console.warn(
    'replica.test: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin (apt-get install postgresql-15); skipped',
  );

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { id activeGame { id state } } }`;
const QUEUE_GAME = `mutation($id: ID!) { queueGame(id: $id) { id state } }`;
const QUEUE = `query($showId: ID) { queue(showId: $showId) { version waiting { game { id } } } }`;

describe.skipIf(!hasPg15)('ec2: reads from the replica, everything else on the nuc primary', () => {
  let primary: Cluster;
  let replica: Cluster;
  let server: TestServer;
  let onPrimary: postgres.Sql;
  let onReplica: postgres.Sql;
  let showId: number;
  let tablet: string;

  beforeAll(async () => {
    primary = await startPrimary();
    await createDatabase(primary, 'mlb');
    // The nuc's own first-start script: the replication role and the replica's slot.
    await run('bash', [path.join(root, 'compose/nuc/init-replication.sh')], {
      env: {
        ...libpqEnv(primary, 'mlb'),
        POSTGRES_USER: 'postgres',
        POSTGRES_DB: 'mlb',
        REPLICATION_PASSWORD: 'replication-test-pw',
      },
    });
    replica = await startReplica(primary, { user: 'replicator', password: 'replication-test-pw', slot: 'ec2_replica' });
    onPrimary = postgres(primary.url('mlb'), { max: 2, onnotice: () => {} });
    onReplica = postgres(replica.url('mlb'), { max: 2, onnotice: () => {} });
    // Migrations run on the primary during start-up and reach the replica by streaming.
    server = await startTestServer({
      database: { url: replica.url('mlb'), name: 'mlb', drop: async () => {} },
      env: { NUC_DATABASE_URL: primary.url('mlb') },
    });
    showId = (await seedShow(server)).id;
    tablet = await server.token('TABLET');
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    await onPrimary?.end();
    await onReplica?.end();
    await replica?.stop();
    await primary?.stop();
  });

  /** Waits until the replica has replayed everything the primary has written so far. */
  async function caughtUp() {
    // The insert position: with synchronous_commit=off a commit may not be written out yet.
    const { lsn } = (await onPrimary`select pg_current_wal_insert_lsn()::text as lsn`)[0]!;
    for (let i = 0; i < 200; i++) {
      const { done } = (
        await onReplica`select pg_wal_lsn_diff(pg_last_wal_replay_lsn(), ${lsn}::pg_lsn) >= 0 as done`
      )[0]!;
      if (done) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error('replica did not catch up');
  }

  async function signUpAndQueue(firstName: string, mobileNumber?: string) {
    const s = await server.gql(
      SIGN_UP,
      { input: { firstName, handedness: 'LEFT', showId: String(showId), mobileNumber } },
      tablet,
    );
    expect(s.errors, JSON.stringify(s.errors)).toBeUndefined();
    const gameId = s.data.signUp.activeGame.id as string;
    const q = await server.gql(QUEUE_GAME, { id: gameId }, tablet);
    expect(q.errors, JSON.stringify(q.errors)).toBeUndefined();
    return { playerId: s.data.signUp.id as string, gameId, queued: q.data.queueGame };
  }

  const waitingIds = async () => {
    const r = await server.gql(QUEUE, { showId: String(showId) });
    expect(r.errors).toBeUndefined();
    return (r.data.queue.waiting as Array<{ game: { id: string } }>).map((w) => w.game.id);
  };

  it('the read connection is a hot standby and the write connection the primary', async () => {
    const { database } = server.app.context;
    expect(database.hasReplica).toBe(true);
    expect(await database.read.execute('select pg_is_in_recovery() as r')).toEqual([{ r: true }]);
    expect(await database.db.execute('select pg_is_in_recovery() as r')).toEqual([{ r: false }]);
    expect(new URL(database.primaryUrl).port).toBe(String(primary.port));
    // The replica really streams from the nuc's slot.
    const [slot] = await onPrimary`select active from pg_replication_slots where slot_name = 'ec2_replica'`;
    expect(slot?.active).toBe(true);
  });

  it('mutations succeed on the primary; queries are answered from the replica', async () => {
    const first = await signUpAndQueue('Ada');
    expect(first.queued.state).toBe('QUEUED');
    await caughtUp();
    expect(await waitingIds()).toEqual([first.gameId]);

    await onReplica`select pg_wal_replay_pause()`;
    try {
      // With replay paused the mutation still succeeds and returns what it wrote (read from the primary)…
      const second = await signUpAndQueue('Grace');
      expect(second.queued).toEqual({ id: second.gameId, state: 'QUEUED' });
      const onNuc = await onPrimary`select id::text from games where state = 'QUEUED' order by id`;
      expect(onNuc.map((r) => r.id)).toEqual([first.gameId, second.gameId]);
      // …while a query sees the replica as it was when replay stopped.
      expect(await waitingIds()).toEqual([first.gameId]);

      await onReplica`select pg_wal_replay_resume()`;
      await caughtUp();
      expect(await waitingIds()).toEqual([first.gameId, second.gameId]);
    } finally {
      await onReplica`select pg_wal_replay_resume()`;
    }
  });

  it('subscriptions are fed by NOTIFY on the primary, even while the replica is paused', async () => {
    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const snapshots: Array<{ version: number; waiting: Array<{ game: { id: string } }> }> = [];
    let notify: () => void = () => {};
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: 'q',
            type: 'subscribe',
            payload: {
              query: 'subscription($id: ID) { queueChanged(showId: $id) { version waiting { game { id } } } }',
              variables: { id: String(showId) },
            },
          }),
        );
      }
      if (msg.type === 'next') {
        snapshots.push(msg.payload.data.queueChanged);
        notify();
      }
    });
    const until = (done: () => boolean) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no such snapshot among ${JSON.stringify(snapshots)}`)),
          10_000,
        );
        notify = () => done() && (clearTimeout(timer), resolve());
        notify();
      });
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    try {
      await until(() => snapshots.length >= 1);
      await onReplica`select pg_wal_replay_pause()`;
      const third = await signUpAndQueue('Katherine');
      // Sign-up and queueing each announce a change; the snapshot after the second has the game waiting.
      await until(() => snapshots.some((q) => q.waiting.some((w) => w.game.id === third.gameId)));
      expect(snapshots.at(-1)!.version).toBeGreaterThan(snapshots[0]!.version);
    } finally {
      await onReplica`select pg_wal_replay_resume()`;
      socket.close();
    }
  });

  it('jobs are queued and worked on the primary', async () => {
    const { playerId } = await signUpAndQueue('Dorothy', '+12025550143');
    let status: string | undefined;
    for (let i = 0; i < 200 && status !== 'sent'; i++) {
      const [row] =
        await onPrimary`select status::text from messages where player_id = ${playerId} and kind = 'welcome'`;
      status = row?.status;
      if (status !== 'sent') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('sent');
    // The job is marked completed just after its message is marked sent: wait for it too.
    let jobState: string | undefined;
    for (let i = 0; i < 600 && jobState !== 'completed'; i++) {
      const [job] =
        await onPrimary`select state::text from pgboss.job where name = 'sms' and (data->>'messageId')::int =
        (select id from messages where player_id = ${playerId} and kind = 'welcome')`;
      jobState = job?.state;
      if (jobState !== 'completed') await new Promise((r) => setTimeout(r, 50));
    }
    expect(jobState).toBe('completed');
    // pg-boss holds its connections on the primary only.
    const [jobsOnPrimary] =
      await onPrimary`select count(*)::int as n from pg_stat_activity where application_name = 'mlb-game-server-jobs'`;
    const [jobsOnReplica] =
      await onReplica`select count(*)::int as n from pg_stat_activity where application_name = 'mlb-game-server-jobs'`;
    expect(jobsOnPrimary!.n).toBeGreaterThan(0);
    expect(jobsOnReplica!.n).toBe(0);
    // And the outcome reaches the replica by replication, not by a write there.
    await caughtUp();
    const [replicated] = await server.app.context.database.read
      .select({ status: messages.status })
      .from(messages)
      .where(eqPlayer(playerId));
    expect(replicated?.status).toBe('sent');
  });
});

function eqPlayer(playerId: string) {
  return and(eq(messages.playerId, Number(playerId)), eq(messages.kind, 'welcome'));
}
