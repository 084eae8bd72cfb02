// Where should a mutation's NOTIFY go? Inside its transaction (Postgres then takes a database-wide
// lock from pre-commit until the commit record is flushed, serializing notifying commits), or
// after commit as a separate statement (no lock held across the flush, but a crash between the
// two loses the announcement)? And what does announcing by trigger (the event row's insert
// trigger, what the server does) cost over an explicit NOTIFY statement? The same write a
// transition does (update a game, insert its event) runs from N connections in a closed loop,
// with a LISTEN connection draining the channel. Modes other than 'trigger' disable the trigger.
import postgres from 'postgres';
import { CHANNEL } from '../src/live/announce.js';
import { percentile, type BenchModule, type BenchRow } from './section.js';
import { createBenchDatabase } from './server.js';

const LEVELS = (process.env.BENCH_ANNOUNCE_CLIENTS ?? '1,8,32').split(',').map(Number);
const DURATION_S = Number(process.env.BENCH_ANNOUNCE_SECONDS ?? 4);
const MODES = ['no notify', 'trigger', 'notify in transaction', 'notify after commit'] as const;
const TRIGGER = 'game_events_announce';
type Mode = (typeof MODES)[number];

const log = (msg: string) => console.error(`[announce] ${msg}`);

async function runLevel(url: string, mode: Mode, clients: number, gameIds: number[], showId: number) {
  const sql = postgres(url, { max: clients, onnotice: () => {} });
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION_S * 1000;
  const worker = async (w: number) => {
    let i = 0;
    while (Date.now() < deadline) {
      const gameId = gameIds[(w * 7919 + i++) % gameIds.length]!;
      const payload = JSON.stringify({ showId, gameId });
      const t0 = performance.now();
      await sql.begin(async (tx) => {
        await tx`update games set updated_at = now(), score = score + 1 where id = ${gameId}`;
        await tx`insert into game_events (game_id, show_id, from_state, to_state, actor) values (${gameId}, ${showId}, 'NEW', 'NEW', 'bench')`;
        if (mode === 'notify in transaction') await tx`select pg_notify(${CHANNEL}, ${payload})`;
      });
      if (mode === 'notify after commit') await sql`select pg_notify(${CHANNEL}, ${payload})`;
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, (_, w) => worker(w)));
  const seconds = (performance.now() - started) / 1000;
  await sql.end();
  latencies.sort((a, b) => a - b);
  return { tps: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const announceBench: BenchModule = async () => {
  const db = await createBenchDatabase('announce');
  const setup = postgres(db.url, { max: 1, onnotice: () => {} });
  let received = 0;
  const listener = postgres(db.url, { max: 1, onnotice: () => {} });
  try {
    const [show] = await setup`select id from shows limit 1`;
    const players =
      await setup`insert into players (first_name, handedness) select 'Bench ' || g, 'RIGHT' from generate_series(1, 200) g returning id`;
    const games =
      await setup`insert into games (player_id, show_id) select unnest(${players.map((p) => p.id)}::int[]), ${show!.id} returning id`;
    const gameIds = games.map((g) => g.id as number);
    await listener.listen(CHANNEL, () => received++);
    const [settings] =
      await setup`select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync`;

    const rows: BenchRow[] = [];
    const byKey = new Map<string, number>();
    for (const clients of LEVELS) {
      for (const mode of MODES) {
        log(`${mode}, ${clients} connections, ${DURATION_S} s`);
        if (mode === 'trigger') await setup.unsafe(`alter table game_events enable trigger ${TRIGGER}`);
        else await setup.unsafe(`alter table game_events disable trigger ${TRIGGER}`);
        const r = await runLevel(db.url, mode, clients, gameIds, show!.id);
        byKey.set(`${mode}/${clients}`, r.tps);
        rows.push({ name: `${mode}, ${clients} conn`, 'tx/s': Math.round(r.tps), 'p50 ms': r.p50, 'p99 ms': r.p99 });
      }
    }
    const top = LEVELS.at(-1)!;
    const inTx = byKey.get(`notify in transaction/${top}`)!;
    const trigger = byKey.get(`trigger/${top}`)!;
    const after = byKey.get(`notify after commit/${top}`)!;
    const none = byKey.get(`no notify/${top}`)!;
    return {
      title: 'Announcing changes: NOTIFY by trigger, inside the transaction, or after commit',
      rows,
      notes: [
        `Postgres fsync=${settings!.fsync}, synchronous_commit=${settings!.sync}; ${received} notifications received by the listener.`,
        `At ${top} connections: trigger ${Math.round(trigger)} tx/s (${Math.round((trigger / none) * 100)} % of no-notify), in-transaction ${Math.round(inTx)} tx/s (${Math.round((inTx / none) * 100)} %), after-commit ${Math.round(after)} tx/s (${Math.round((after / none) * 100)} %).`,
        'After-commit NOTIFY is lost if the process dies between COMMIT and the NOTIFY; in-transaction NOTIFY is delivered exactly when the change commits.',
      ],
    };
  } finally {
    await listener.end();
    await setup.end();
    await db.drop();
  }
};

export default announceBench;
