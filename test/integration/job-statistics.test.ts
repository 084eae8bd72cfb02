// src/jobs/job-statistics.ts: on a new database pg-boss's fetch is planned while its job table is
// empty, and that plan reads the whole queue to claim a few jobs for as long as it is kept. The
// fetch runs here as the workers run it (a named statement on pg-boss's one connection), and
// EXPLAIN ANALYZE counts the job rows it reads before and after the table's statistics are taken.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PgBoss } from 'pg-boss';
import { startBoss } from '../../src/jobs/boss.js';
import { MIN_PAGES, refreshJobStatistics } from '../../src/jobs/job-statistics.js';
import { smsJob } from '../../src/jobs/registry.js';
import { createLogger } from '../../src/log.js';
import { createTestDatabase } from '../helpers/db.js';

const scratch = await createTestDatabase();
let boss: PgBoss;
beforeAll(async () => {
  // One connection: the fetch's named statement and its EXPLAIN run on it.
  boss = await startBoss({ url: scratch.url, log: createLogger('silent'), supervise: false, max: 1 });
});
afterAll(async () => {
  await boss.stop({ graceful: false, close: true });
  await scratch.drop();
});

type PlanNode = {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  Plans?: PlanNode[];
};

/** Job rows read by all the plan's scans of the job table. */
function jobRowsVisited(node: PlanNode): number {
  const own = /Scan$/.test(node['Node Type']) && node['Relation Name'] === 'job_common';
  const here = own ? node['Actual Rows'] * node['Actual Loops'] : 0;
  return here + (node.Plans ?? []).reduce((sum, child) => sum + jobRowsVisited(child), 0);
}

async function query<T>(text: string): Promise<T[]> {
  return (await boss.getDb().executeSql(text)).rows as T[];
}

/** Runs the workers' fetch of four sms jobs under EXPLAIN ANALYZE; returns the jobs claimed and rows visited. */
async function explainFetch(): Promise<{ claimed: number; visited: number }> {
  const [fetch] = await query<{ name: string }>(
    `select name from pg_prepared_statements where statement like '%SKIP LOCKED%' and statement like '%LIMIT 4%'`,
  );
  const [row] = await query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(
    `explain (analyze, format json) execute "${fetch!.name}"`,
  );
  const plan = row!['QUERY PLAN'][0]!.Plan;
  return { claimed: plan['Actual Rows'], visited: jobRowsVisited(plan) };
}

async function addJobs(count: number): Promise<void> {
  await boss.insert(
    smsJob.name,
    Array.from({ length: count }, (_, i) => ({ data: { messageId: i + 1 } })),
  );
}

async function pages(): Promise<number> {
  const [row] = await query<{ pages: number }>(
    `select pg_relation_size('pgboss.job_common') / current_setting('block_size')::int as pages`,
  );
  return Number(row!.pages);
}

describe("pg-boss's job table", () => {
  it('is analyzed as it grows, so a fetch reads the jobs it claims, not the whole queue', async () => {
    // The first fetch of the day is planned on an empty table, as the workers' first fetch is.
    await addJobs(1);
    expect(await boss.fetch(smsJob.name, { batchSize: 4 })).toHaveLength(1);
    expect(await refreshJobStatistics(boss)).toEqual([]);

    await addJobs(1200);
    expect(await pages()).toBeGreaterThanOrEqual(MIN_PAGES);
    const cold = await explainFetch();
    expect(cold.claimed).toBe(4);
    expect(cold.visited).toBeGreaterThanOrEqual(1200);

    expect(await refreshJobStatistics(boss)).toEqual(['pgboss.job_common']);
    const warm = await explainFetch();
    expect(warm.claimed).toBe(4);
    expect(warm.visited).toBeLessThanOrEqual(2 * 4);

    // Statistics that describe the table are left alone; twice the pages are analyzed again.
    expect(await refreshJobStatistics(boss)).toEqual([]);
    await addJobs(1300);
    expect(await refreshJobStatistics(boss)).toEqual(['pgboss.job_common']);
    expect(await refreshJobStatistics(boss)).toEqual([]);
  });
});
