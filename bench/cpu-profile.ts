// Reads a V8 .cpuprofile (node --cpu-prof) and names where the time went once the server was
// serving: start-up (module loading, compiling) is left out by starting at the first sample taken
// inside graphql's `execute`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  /** Milliseconds of samples after start-up. */
  steadyMs: number;
  /** Share of steady-state time per package (node_modules name, `src/<dir>`, or a V8/Node category). */
  byPackage: Array<{ name: string; share: number }>;
  /** Share of steady-state time per function (self time). */
  byFunction: Array<{ name: string; share: number }>;
}

function packageOf(url: string, fn: string): string {
  const mod = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (mod) return mod[1]!;
  const own = /\/(src|workers|bench)\/([^/]+)/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return fn ? `(${fn.replace(/[()]/g, '')})` : '(native)';
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const serving = (id: number) => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (f.functionName === 'execute' && /node_modules\/graphql\//.test(f.url)) return true;
    }
    return false;
  };
  const from = Math.max(0, p.samples.findIndex(serving));
  const pkg = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (let i = from; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    const f = byId.get(p.samples[i]!)!.callFrame;
    total += dt;
    const pk = packageOf(f.url, f.functionName);
    pkg.set(pk, (pkg.get(pk) ?? 0) + dt);
    const where = f.url
      ? `${f.url.replace(/.*node_modules\//, '').replace(/.*\/(src|workers)\//, '$1/')}:${f.lineNumber + 1}`
      : '';
    const fn = `${f.functionName || '(anonymous)'} ${where}`.trim();
    fns.set(fn, (fns.get(fn) ?? 0) + dt);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, t]) => ({ name, share: total ? t / total : 0 }));
  return { steadyMs: total / 1000, byPackage: rank(pkg), byFunction: rank(fns) };
}

/** The newest .cpuprofile in `dir`. */
export function newestProfile(dir: string): string | null {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort();
  return files.length ? path.join(dir, files[files.length - 1]!) : null;
}

export function describeProfile(s: ProfileSummary, top = 8): string[] {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `server CPU profile, ${(s.steadyMs / 1000).toFixed(1)} s after start-up — by package: ${s.byPackage
      .slice(0, top)
      .map((x) => `${x.name} ${pct(x.share)}`)
      .join(', ')}`,
    `server CPU profile — top functions (self): ${s.byFunction
      .slice(0, top)
      .map((x) => `${x.name} ${pct(x.share)}`)
      .join(', ')}`,
  ];
}
