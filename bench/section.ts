// The shape every benchmark section returns; bench/run.ts prints them as tables and saves JSON.
export interface BenchRow {
  /** What was measured, e.g. "16 clients" or "satori (median)". */
  name: string;
  [metric: string]: string | number | null;
}

export interface BenchSection {
  title: string;
  rows: BenchRow[];
  /** Goals and whether they were met, in words, e.g. "p99 < 20 ms at 16 clients: met (12.3 ms)". */
  goals?: string[];
  notes?: string[];
}

/** A section module: bench/<name>.bench.ts default-exports one of these. */
export type BenchModule = () => Promise<BenchSection>;

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function formatTable(section: BenchSection): string {
  const cols = [...new Set(section.rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? '');
  const lines = [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`];
  for (const r of section.rows) lines.push(`| ${cols.map((c) => cell(r[c])).join(' | ')} |`);
  return [
    `### ${section.title}`,
    '',
    ...lines,
    '',
    ...(section.goals ?? []).map((g) => `- goal: ${g}`),
    ...(section.notes ?? []).map((n) => `- ${n}`),
  ].join('\n');
}
