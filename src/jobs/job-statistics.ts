// pg-boss's fetch is a named statement without parameters (boss-client.ts), so PostgreSQL plans it
// once per connection and keeps that plan until the job table's statistics change. On a new
// database it is planned while the table is empty, and that plan reads the whole queue, or the
// whole queue once per job claimed, to join back the few jobs it claims: a thousand buffers a
// fetch after ten seconds of games, until autovacuum first analyzes the table a minute or more
// later. So the supervising process analyzes a job partition whenever it has grown to twice the
// pages its statistics describe: a few times on a new database, never on one whose size is
// steady (autovacuum keeps those). Each analysis makes the fetch be planned again.
import type { PgBoss } from 'pg-boss';
import type { Logger } from '../log.js';

/** Below this many pages (about 300 jobs) the planner's guess is as good as statistics. */
export const MIN_PAGES = 16;
const CHECK_EVERY_MS = 1000;

/** Analyzes each job partition that has outgrown its statistics; returns those it analyzed. */
export async function refreshJobStatistics(boss: PgBoss): Promise<string[]> {
  const db = boss.getDb();
  const { rows } = (await db.executeSql(
    `select p.oid::regclass::text as partition
       from pg_inherits i
       join pg_class p on p.oid = i.inhrelid
       cross join lateral (select pg_relation_size(p.oid) / current_setting('block_size')::int as pages) now
      where i.inhparent = 'pgboss.job'::regclass
        and now.pages >= ${MIN_PAGES}
        and (p.reltuples < 0 or now.pages >= 2 * p.relpages)`,
  )) as { rows: Array<{ partition: string }> };
  for (const { partition } of rows) await db.executeSql(`analyze ${partition}`);
  return rows.map((row) => row.partition);
}

/** Checks every second while pg-boss runs, until a check fails. */
export function watchJobStatistics(boss: PgBoss, log: Logger): void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = async () => {
    try {
      const analyzed = await refreshJobStatistics(boss);
      if (analyzed.length) log.info({ analyzed }, 'analyzed grown job tables');
    } catch (err) {
      // A role that may not analyze pg-boss's tables would fail every second: autovacuum is enough.
      if (!stopped) log.warn({ err }, 'could not check the job table statistics; leaving them to autovacuum');
      stopped = true;
    }
    if (!stopped) timer = setTimeout(() => void check(), CHECK_EVERY_MS).unref();
  };
  boss.once('stopped', () => {
    stopped = true;
    clearTimeout(timer);
  });
  void check();
}
