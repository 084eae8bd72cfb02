// `npm run bench [-- name …]`: runs every bench/<name>.bench.ts (or only the named ones) one after
// another, each in a child process of its own so a crash or a hang is that section's failure only.
// Prints each section as a markdown table and saves them all to bench/results/.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { formatTable, type BenchModule, type BenchSection } from './section.js';
import { benchPostgres, ROOT, stopBenchPostgres } from './server.js';

const BENCH_DIR = path.join(ROOT, 'bench');
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const SECTION_TIMEOUT_MS = Number(process.env.BENCH_SECTION_TIMEOUT_SECONDS ?? 20 * 60) * 1000;

interface SectionResult {
  name: string;
  ok: boolean;
  seconds: number;
  section: BenchSection;
  error?: string;
}

// Two runs at once would measure each other: one run per machine at a time.
const LOCK_FILE = path.join(os.tmpdir(), 'mlb-game-server-bench.lock');

const log = (msg: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function available(): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .map((f) => f.slice(0, -'.bench.ts'.length))
    .sort();
}

/** Child mode: run one section and write its result as JSON to `out`. */
async function runChild(name: string, out: string): Promise<void> {
  const mod = (await import(pathToFileURL(path.join(BENCH_DIR, `${name}.bench.ts`)).href)) as { default?: BenchModule };
  if (typeof mod.default !== 'function')
    throw new Error(`bench/${name}.bench.ts does not default-export a BenchModule`);
  const section = await mod.default();
  if (!section || !Array.isArray(section.rows)) throw new Error(`bench/${name}.bench.ts returned no section`);
  writeFileSync(out, JSON.stringify(section));
}

function runSection(name: string, env: NodeJS.ProcessEnv): Promise<SectionResult> {
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'mlb-bench-section-'));
  const out = path.join(tmp, 'section.json');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(BENCH_DIR, 'run.ts'), '--child', name, out], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    // Progress logs pass through; the tail is kept to say why a section failed.
    let stderrTail = '';
    child.stderr!.on('data', (b: Buffer) => {
      process.stderr.write(b);
      stderrTail = (stderrTail + b.toString()).slice(-4000);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      log(`${name}: no result after ${SECTION_TIMEOUT_MS / 1000} s, stopping it`);
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
    }, SECTION_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      let section: BenchSection | undefined;
      try {
        section = JSON.parse(readFileSync(out, 'utf8')) as BenchSection;
      } catch {
        // no result written: the section failed
      }
      rmSync(tmp, { recursive: true, force: true });
      if (section && code === 0) return resolve({ name, ok: true, seconds, section });
      const reason = /\[bench\] \S+ failed: (.*)/.exec(stderrTail)?.[1]?.trim();
      const error = timedOut
        ? `timed out after ${SECTION_TIMEOUT_MS / 1000} s`
        : (reason ?? `exited with ${signal ?? `code ${code}`}`);
      resolve({
        name,
        ok: false,
        seconds,
        error,
        section: {
          title: section?.title ?? name,
          rows: [{ name: 'FAILED', error }, ...(section?.rows ?? [])],
          notes: section?.notes,
        },
      });
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Waits until no other bench run holds the machine, then holds it until this process exits. */
async function holdMachine(): Promise<void> {
  let said = false;
  for (;;) {
    try {
      writeFileSync(LOCK_FILE, String(process.pid), { flag: 'wx' });
      process.once('exit', () => {
        try {
          if (readFileSync(LOCK_FILE, 'utf8') === String(process.pid)) unlinkSync(LOCK_FILE);
        } catch {
          // already gone
        }
      });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(LOCK_FILE, 'utf8').trim());
    if (!holder || !alive(holder)) {
      rmSync(LOCK_FILE, { force: true });
      continue;
    }
    if (!said) log(`another bench run (pid ${holder}) is measuring; waiting for it to finish`);
    said = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function gitSha(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

async function main(): Promise<number> {
  const all = available();
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const unknown = wanted.filter((w) => !all.includes(w));
  if (unknown.length) {
    console.error(`Unknown bench section(s): ${unknown.join(', ')}. Available: ${all.join(', ') || '(none)'}`);
    return 2;
  }
  const names = wanted.length ? wanted : all;
  if (!names.length) {
    console.error('No bench/*.bench.ts files found.');
    return 2;
  }
  await holdMachine();
  const startedAt = new Date();
  const host = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg(),
  };
  log(
    `sections: ${names.join(', ')} — ${host.cpus} CPUs, load average ${host.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
  );

  // One Postgres for the whole run; every section makes databases of its own on it.
  const pg = await benchPostgres();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`${signal}: stopping`);
      void stopBenchPostgres().finally(() => process.exit(130));
    });
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: pg.adminUrl,
    ...(pg.dataDir ? { BENCH_PG_DATA_DIR: pg.dataDir } : {}),
  };
  const results: SectionResult[] = [];
  try {
    for (const name of names) {
      log(`▶ ${name}`);
      const result = await runSection(name, env);
      results.push(result);
      log(
        `${result.ok ? '✓' : '✗'} ${name} in ${result.seconds.toFixed(1)} s${result.error ? `: ${result.error}` : ''}`,
      );
      console.log(`\n${formatTable(result.section)}\n`);
    }
  } finally {
    await stopBenchPostgres();
  }

  const summary = goalSummary(results);
  console.log(`\n${summary.join('\n')}\n`);

  const finishedAt = new Date();
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    git: gitSha(),
    host,
    postgres: pg.embedded ? 'embedded' : 'DATABASE_URL',
    sections: results,
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = startedAt.toISOString().replace(/[:.]/g, '-');
  const jsonFile = path.join(RESULTS_DIR, `${stamp}.json`);
  writeFileSync(jsonFile, JSON.stringify(report, null, 2));
  const md = [
    `# Benchmark results ${startedAt.toISOString()}`,
    '',
    `git ${report.git ?? 'unknown'} · ${host.cpus} × ${host.cpuModel} · ${host.memoryGb} GB · Node ${host.node} · Postgres ${report.postgres} · load average at start ${host.loadAverage.map((l) => l.toFixed(2)).join(' ')}`,
    '',
    ...results.map((r) => `${formatTable(r.section)}\n\n_${r.ok ? 'ran' : 'FAILED'} in ${r.seconds.toFixed(1)} s_\n`),
    ...summary,
    '',
  ].join('\n');
  writeFileSync(path.join(RESULTS_DIR, 'latest.md'), md);
  const failed = results.filter((r) => !r.ok);
  log(
    `results: ${path.relative(ROOT, jsonFile)} and bench/results/latest.md; ${results.length - failed.length} passed, ${failed.length} failed${failed.length ? ` (${failed.map((f) => f.name).join(', ')})` : ''}`,
  );
  return failed.length ? 1 : 0;
}

// The goals of issue 17 (performance), numbered as there. A section reports one by starting its
// goal line with `issue 17 goal <n> — `; a goal no section of this run reported is said to be unmeasured.
const ISSUE_17_GOALS: Record<number, string> = {
  1: 'lifecycle, API only: ≥ 50 % of pgbench at 16 clients, p99 < 100 ms, zero errors',
  2: 'lifecycle with the default `npm start` (API + workers): ≥ 85 % of the API-only figure',
  3: 'every core: API_PROCESSES at 1 and 2, the scaling',
  4: 'souvenir: median < 60 ms, ≥ 20× a browser per image',
  5: '10,000 subscribers: p95 < 500 ms, server RSS < 450 MB',
};

/** Every goal of the run in one list, then the goals of issue 17 one by one: met, not met, or not measured. */
function goalSummary(results: SectionResult[]): string[] {
  const all = results.flatMap((r) => (r.section.goals ?? []).map((text) => ({ section: r.name, text })));
  const lines = ['### Goals of this run', ''];
  for (const r of results) if (!r.ok) lines.push(`- ${r.name}: FAILED (${r.error}); its goals were not measured`);
  for (const g of all) lines.push(`- ${g.section}: ${g.text}`);
  lines.push('', '### Issue 17 goals', '');
  for (const [n, what] of Object.entries(ISSUE_17_GOALS)) {
    const reported = all.filter((g) => g.text.startsWith(`issue 17 goal ${n} `));
    if (reported.length) lines.push(...reported.map((g) => `- ${g.text}`));
    else lines.push(`- issue 17 goal ${n} — ${what}: not measured in this run`);
  }
  return lines;
}

if (process.argv[2] === '--child') {
  const [, , , name, out] = process.argv;
  runChild(name!, out!)
    .then(() => process.exit(0))
    .catch((err) => {
      console.error(`[bench] ${name} failed:`, err);
      process.exit(1);
    });
} else {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error('[bench] could not run:', err);
      process.exit(1);
    },
  );
}
