// The LISTEN connection is killed (as by a failover or an admin): the server reconnects by itself,
// every subscribed queue is reloaded (what changed meanwhile is sent), and later changes still arrive.
import postgres from 'postgres';
import { afterAll, expect, it, vi } from 'vitest';
import { LISTENER_APPLICATION_NAME } from '../../src/live/listener.js';
import { useTestServer } from '../helpers/server.js';
import { connectWs, createShow, delay, move, signUpGame, subscribe } from '../helpers/ws.js';

const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
const admin = postgres(server.db.url, { max: 1, onnotice: () => {} });
afterAll(() => admin.end());

async function listenerPids(): Promise<number[]> {
  const rows =
    await admin`select pid from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`;
  return rows.map((r) => r.pid as number);
}

it('reconnects after pg_terminate_backend, resends the snapshot and keeps delivering', async () => {
  const showId = await createShow(server, 'Reconnect Show');
  const first = await signUpGame(server, showId, 'Kai');
  const second = await signUpGame(server, showId, 'Lu');
  const ws = connectWs(server.url);
  try {
    const sub = subscribe(ws, `subscription($s: ID) { queueChanged(showId: $s) { version waiting { game { id } } } }`, {
      s: showId,
    });
    await sub.nth(0);
    const pids = await listenerPids();
    expect(pids).toHaveLength(1);

    // A change committed while the listener is down is not heard as a NOTIFY; the resync covers it.
    await admin`select pg_terminate_backend(${pids[0]!})`;
    await move(server, 'queueGame', first, 'TABLET');
    const resent = await sub.until((m) => m.queueChanged.waiting.length === 1, 10_000);
    expect(resent.queueChanged.waiting).toEqual([{ game: { id: first } }]);

    const newPids = await listenerPids();
    expect(newPids).toHaveLength(1);
    expect(newPids[0]).not.toBe(pids[0]);
    expect(server.app.context.live!.listener.connected).toBe(true);

    const count = sub.messages.length;
    await move(server, 'queueGame', second, 'TABLET');
    const after = await sub.nth(count);
    expect(after.queueChanged.waiting).toEqual([{ game: { id: first } }, { game: { id: second } }]);
    await delay(100);
    expect(sub.messages).toHaveLength(count + 1);
  } finally {
    await ws.dispose();
  }
});

it('reloads every subscribed queue after a reconnect, and sends nothing when nothing changed', async () => {
  const showId = await createShow(server, 'Quiet Show');
  const ws = connectWs(server.url);
  try {
    const sub = subscribe(ws, `subscription($s: ID) { queueChanged(showId: $s) { version } }`, { s: showId });
    const before = await sub.nth(0);
    const hub = server.app.context.live!;
    const loads = hub.stats().loads;
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = ${LISTENER_APPLICATION_NAME}`;
    // The resync reloads the queue (a change missed while away would be sent, as above); the same
    // result is not sent again: one change, one payload.
    await vi.waitFor(() => expect(hub.stats().loads).toBeGreaterThan(loads), { timeout: 10_000, interval: 50 });
    await delay(200);
    expect(sub.messages).toEqual([before]);
  } finally {
    await ws.dispose();
  }
});
