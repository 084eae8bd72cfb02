// Runs pgbench with a custom script against a bench database and reads back its figures: the
// transactions per second, per-transaction latencies (from its log) and per-statement averages.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** PGBENCH, else the newest /usr/lib/postgresql/<v>/bin/pgbench, else null (the caller says it skipped). */
export function findPgbench(): string | null {
  if (process.env.PGBENCH) return existsSync(process.env.PGBENCH) ? process.env.PGBENCH : null;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = path.join(base, v, 'bin', 'pgbench');
    if (existsSync(bin)) return bin;
  }
  return null;
}

export interface PgbenchResult {
  tps: number;
  processed: number;
  failed: number;
  /** Latency of every script run, from the transaction log (ms). */
  runMs: number[];
  /** Average latency of each script statement (ms), in script order. */
  statements: Array<{ ms: number; sql: string }>;
  version: string;
}

export interface PgbenchOptions {
  bin: string;
  url: string;
  script: string;
  clients: number;
  threads: number;
  seconds: number;
}

export async function runPgbench(o: PgbenchOptions): Promise<PgbenchResult> {
  const u = new URL(o.url);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlb-pgbench-'));
  const args = [
    '-n',
    '-r',
    '-M',
    'prepared',
    '-c',
    String(o.clients),
    '-j',
    String(Math.min(o.threads, o.clients)),
    '-T',
    String(o.seconds),
    '-f',
    o.script,
    '-l',
    `--log-prefix=${path.join(dir, 'tx')}`,
    '-h',
    u.hostname,
    '-p',
    u.port || '5432',
    '-U',
    decodeURIComponent(u.username),
    u.pathname.slice(1),
  ];
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(o.bin, args, {
          env: {
            PATH: process.env.PATH ?? '',
            PGPASSWORD: decodeURIComponent(u.password),
            PGAPPNAME: 'mlb-bench-pgbench',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
        child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        child.once('error', reject);
        child.once('exit', (code) => resolve({ code, stdout, stderr }));
      },
    );
    if (code !== 0)
      throw new Error(`pgbench exited with ${code}: ${(stderr || stdout).trim().split('\n').slice(-3).join(' | ')}`);
    const num = (re: RegExp) => Number(re.exec(stdout)?.[1] ?? NaN);
    const statements: PgbenchResult['statements'] = [];
    const at = stdout.indexOf('statement latencies');
    if (at >= 0) {
      for (const line of stdout.slice(at).split('\n').slice(1)) {
        const m = /^\s+([\d.]+)\s+(?:\d+\s+)?(.+)$/.exec(line);
        if (m) statements.push({ ms: Number(m[1]), sql: m[2]!.trim() });
      }
    }
    const runMs: number[] = [];
    for (const f of readdirSync(dir)) {
      for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
        const fields = line.trim().split(/\s+/);
        // client_id transaction_no time_us script_no epoch epoch_us
        if (fields.length >= 6) runMs.push(Number(fields[2]) / 1000);
      }
    }
    return {
      tps: num(/tps = ([\d.]+)/),
      processed: num(/number of transactions actually processed: (\d+)/),
      failed: Number(/number of failed transactions: (\d+)/.exec(stdout)?.[1] ?? 0),
      runMs,
      statements,
      version: /^pgbench \((.+)\)/m.exec(stdout)?.[1] ?? 'unknown',
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sums the statement averages of each BEGIN … COMMIT block (a statement outside one is a transaction
 * of its own): the average time of each transaction of the script. Statements skipped by `\if`
 * count as if they always ran (an over-estimate); meta-commands (`\set`, `\if`) are not statements.
 */
export function transactionAverages(statements: PgbenchResult['statements']): number[] {
  const out: number[] = [];
  let current: number | null = null;
  for (const s of statements) {
    if (s.sql.startsWith('\\')) continue;
    if (/^BEGIN\b/i.test(s.sql)) current = 0;
    if (current === null) {
      out.push(s.ms);
      continue;
    }
    current += s.ms;
    if (/^COMMIT\b/i.test(s.sql)) {
      out.push(current);
      current = null;
    }
  }
  return out;
}
