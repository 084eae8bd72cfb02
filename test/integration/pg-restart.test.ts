// PostgreSQL restarts under load (an upgrade, a crash-restart of the nuc): the server, run as it is
// in production (its own process), must ride them out. A PostgreSQL 15 cluster of this test's own
// is restarted with `pg_ctl -m fast` five times while 8 clients keep signing players up. After each
// restart the process is still running and /readyz answers 200 again; afterwards the live listener
// is back (a queue change reaches a subscriber opened before the restarts) and every sign-up the
// server acknowledged is in the database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../../src/live/listener.js';
import { createDatabase, hasPg15, pgTool, startPrimary, type Cluster } from '../helpers/pg-cluster.js';
import { testEnv } from '../helpers/server.js';
import {
  createShowAt,
  loginAs,
  postGql,
  startServerProcess,
  stopServerProcess,
  type ServerProcess,
} from '../helpers/server-process.js';
import { connectWs, delay, subscribe, type WsClient } from '../helpers/ws.js';

if (!hasPg15)
  console.warn(
    'pg-restart.test: PostgreSQL 15 binaries not found in /usr/lib/postgresql/15/bin (apt-get install postgresql-15); skipped',
  );

const RESTARTS = 5;
const CLIENTS = 8;
const LOAD_BETWEEN_RESTARTS_MS = 1_000;
const RECOVER_WITHIN_MS = 15_000;

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { id activeGame { id } } }`;

interface Ack {
  playerId: number;
  gameId: string;
  lastName: string;
}

/** A name of letters only, unique per (client, sequence number). */
function nameOf(client: number, seq: number): string {
  let s = '';
  for (let n = seq; ; n = Math.floor(n / 26) - 1) {
    s = String.fromCharCode(97 + (n % 26)) + s;
    if (n < 26) break;
  }
  return `Load${String.fromCharCode(65 + client)}${s}`;
}

async function readyStatus(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

describe.skipIf(!hasPg15)('PostgreSQL fast restarts under load', () => {
  let cluster: Cluster;
  let server: ServerProcess;
  let onCluster: postgres.Sql;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-pg-restart-'));

  beforeAll(async () => {
    cluster = await startPrimary();
    await createDatabase(cluster, 'mlb');
    onCluster = postgres(cluster.url('mlb'), { max: 1, onnotice: () => {} });
  }, 60_000);

  afterAll(async () => {
    if (server) await stopServerProcess(server);
    await onCluster?.end({ timeout: 1 });
    await cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the process stays up, /readyz recovers, live updates resume and no acknowledged write is lost', async () => {
    const env = testEnv(cluster.url('mlb'), { DATA_DIR: dataDir, LOG_LEVEL: 'warn', RECALL_DISABLE: 'true' });
    server = await startServerProcess(env);
    const admin = await loginAs(server.url, 'user');
    const tablet = await loginAs(server.url, 'mlbtablet');
    const showId = await createShowAt(server.url, admin, 'Restart Night');

    // A subscriber from before the restarts: it must still hear changes afterwards.
    const ws: WsClient = connectWs(server.url);
    const sub = subscribe(ws, `subscription($s: ID) { queueChanged(showId: $s) { waiting { game { id } } } }`, {
      s: showId,
    });
    await sub.nth(0);
    const [listenerBefore] =
      await onCluster`select pid from pg_stat_activity where application_name = ${LISTENER_APPLICATION_NAME}`;
    expect(listenerBefore).toBeDefined();

    const acked: Ack[] = [];
    const crashes: Array<{ restart: number; exit: unknown; output: string }> = [];
    let refused = 0;
    let running = true;
    const timings: Array<{ restartMs: number; recoverMs: number }> = [];

    async function client(n: number) {
      for (let seq = 0; running; seq++) {
        const lastName = nameOf(n, seq);
        const url = server.url;
        try {
          const r = await postGql<{ signUp: { id: string; activeGame: { id: string } } }>(
            url,
            SIGN_UP,
            { i: { firstName: 'Load', lastName, handedness: 'RIGHT', showId } },
            tablet,
          );
          if (r.data?.signUp) {
            acked.push({ playerId: Number(r.data.signUp.id), gameId: r.data.signUp.activeGame.id, lastName });
            continue;
          }
          refused++;
        } catch {
          refused++;
        }
        await delay(25);
      }
    }

    /** Waits for /readyz 200, then for sign-ups to be acknowledged again; false if the process died. */
    async function recovered(): Promise<boolean> {
      const deadline = Date.now() + RECOVER_WITHIN_MS;
      while (server.exit() === null && (await readyStatus(server.url)) !== 200) {
        if (Date.now() > deadline) throw new Error(`/readyz did not recover within ${RECOVER_WITHIN_MS} ms`);
        await delay(100);
      }
      const base = acked.length;
      while (server.exit() === null && acked.length < base + CLIENTS) {
        if (Date.now() > deadline) throw new Error(`no sign-up acknowledged within ${RECOVER_WITHIN_MS} ms`);
        await delay(50);
      }
      // A crash may follow the reconnect by a moment.
      await delay(200);
      return server.exit() === null;
    }

    const clients = Array.from({ length: CLIENTS }, (_, n) => client(n));
    try {
      for (let restart = 1; restart <= RESTARTS; restart++) {
        await delay(LOAD_BETWEEN_RESTARTS_MS);
        const t0 = Date.now();
        await pgTool('pg_ctl', [
          '-D',
          cluster.dataDir,
          '-l',
          path.join(cluster.dir, 'server.log'),
          '-m',
          'fast',
          '-w',
          '-t',
          '30',
          'restart',
        ]);
        const t1 = Date.now();
        const up = await recovered();
        timings.push({ restartMs: t1 - t0, recoverMs: Date.now() - t1 });
        if (!up) {
          crashes.push({ restart, exit: server.exit(), output: server.output().slice(-1_500) });
          // Carry on with a new process, to count crashes over all restarts.
          server = await startServerProcess(env);
          expect(await recovered()).toBe(true);
        }
      }
    } finally {
      running = false;
      await Promise.all(clients);
    }

    console.info(
      `pg-restart: ${crashes.length} crash(es) in ${RESTARTS} restarts; ${acked.length} sign-ups acknowledged, ${refused} refused; ${JSON.stringify(timings)}`,
    );
    expect(crashes, JSON.stringify(crashes, null, 2)).toEqual([]);
    expect(server.output()).not.toMatch(/TypeError|uncaught/i);
    expect(server.exit()).toBeNull();
    expect(await readyStatus(server.url)).toBe(200);

    // The listener reconnected (a new backend) and a change made now reaches the old subscriber.
    const listeners =
      await onCluster`select pid from pg_stat_activity where application_name = ${LISTENER_APPLICATION_NAME}`;
    expect(listeners).toHaveLength(1);
    expect(listeners[0]!.pid).not.toBe(listenerBefore!.pid);
    const last = acked.at(-1)!;
    const queued = await postGql(
      server.url,
      `mutation($id: ID!) { queueGame(id: $id) { state } }`,
      { id: last.gameId },
      tablet,
    );
    expect(queued.errors, JSON.stringify(queued.errors)).toBeUndefined();
    const heard = await sub.until(
      (m) => m.queueChanged.waiting.some((w: { game: { id: string } }) => w.game.id === last.gameId),
      10_000,
    );
    expect(heard).toBeDefined();
    await ws.dispose();

    // Every acknowledged sign-up is there, with the name it was sent with.
    const ids = acked.map((a) => a.playerId);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await onCluster`select id, last_name from players where id = any(${ids}::int[])`;
    const stored = new Map(rows.map((r) => [r.id as number, r.last_name as string]));
    const lost = acked.filter((a) => stored.get(a.playerId) !== a.lastName);
    expect(lost, `${lost.length} of ${acked.length} acknowledged sign-ups lost`).toEqual([]);
  }, 90_000);
});
