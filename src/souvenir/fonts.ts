// The souvenir's fonts: read once per process, handed to satori, and measured here so the layout
// can fit a name to its box before anything is drawn (satori only reports the finished SVG).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { inflateSync } from 'node:zlib';

export type Weight = 600 | 700;
export interface Font {
  name: string;
  data: Buffer;
  weight: Weight;
  style: 'normal';
}

/**
 * Families in fallback order. Oswald (display) and Inter (text) in each subset they ship; Noto Sans
 * last, for every script the two lack (Greek in Oswald, anything else it has), so a name never
 * turns into boxes. satori reads woff, not woff2.
 */
export const DISPLAY = ['Oswald', 'Oswald Ext', 'Oswald Cyr', 'Oswald Vi', 'Noto Sans'];
export const TEXT = ['Inter', 'Inter Ext', 'Inter Cyr', 'Inter Greek', 'Inter Vi', 'Noto Sans'];
export const family = (list: string[]) => list.join(', ');

const FILES: Array<[string, string, Weight]> = [
  ['Oswald', '@fontsource/oswald/files/oswald-latin-700-normal.woff', 700],
  ['Oswald Ext', '@fontsource/oswald/files/oswald-latin-ext-700-normal.woff', 700],
  ['Oswald Cyr', '@fontsource/oswald/files/oswald-cyrillic-700-normal.woff', 700],
  ['Oswald Cyr', '@fontsource/oswald/files/oswald-cyrillic-ext-700-normal.woff', 700],
  ['Oswald Vi', '@fontsource/oswald/files/oswald-vietnamese-700-normal.woff', 700],
  ['Inter', '@fontsource/inter/files/inter-latin-600-normal.woff', 600],
  ['Inter Ext', '@fontsource/inter/files/inter-latin-ext-600-normal.woff', 600],
  ['Inter Cyr', '@fontsource/inter/files/inter-cyrillic-600-normal.woff', 600],
  ['Inter Cyr', '@fontsource/inter/files/inter-cyrillic-ext-600-normal.woff', 600],
  ['Inter Greek', '@fontsource/inter/files/inter-greek-600-normal.woff', 600],
  ['Inter Greek', '@fontsource/inter/files/inter-greek-ext-600-normal.woff', 600],
  ['Inter Vi', '@fontsource/inter/files/inter-vietnamese-600-normal.woff', 600],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-latin-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-latin-ext-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-cyrillic-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-cyrillic-ext-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-greek-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-greek-ext-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-vietnamese-700-normal.woff', 700],
  ['Noto Sans', '@fontsource/noto-sans/files/noto-sans-devanagari-700-normal.woff', 700],
];

interface Metrics {
  unitsPerEm: number;
  glyphOf(codePoint: number): number;
  advance(glyph: number): number;
}
interface LoadedFont extends Font {
  metrics: Metrics;
}

let loaded: LoadedFont[] | undefined;
function all(): LoadedFont[] {
  if (!loaded) {
    const require = createRequire(import.meta.url);
    loaded = FILES.map(([name, file, weight]) => {
      const data = readFileSync(require.resolve(file));
      return { name, data, weight, style: 'normal' as const, metrics: readWoff(data) };
    });
  }
  return loaded;
}

/** The fonts for satori: one array for the process, so satori parses them once (it caches by identity). */
let forSatori: Font[] | undefined;
export function satoriFonts(): Font[] {
  forSatori ??= all().map(({ name, data, weight, style }) => ({ name, data, weight, style }));
  return forSatori;
}

/** The font that draws `codePoint`: the first of the families (then any loaded font) with a glyph for it. */
function fontFor(codePoint: number, families: string[], weight: Weight): LoadedFont | null {
  const fonts = all();
  for (const name of families) {
    const candidates = fonts.filter((f) => f.name === name);
    const best =
      candidates.find((f) => f.weight === weight && f.metrics.glyphOf(codePoint)) ??
      candidates.find((f) => f.metrics.glyphOf(codePoint));
    if (best) return best;
  }
  return null;
}

/** Characters no bundled font has (they would be drawn as boxes). */
export function missingGlyphs(text: string, families: string[] = DISPLAY, weight: Weight = 700): string[] {
  return [...text].filter((ch) => !/\s/.test(ch) && !fontFor(ch.codePointAt(0)!, families, weight));
}

/** The advance width of `text` at `size` px, as laid out on one line (kerning aside: callers keep a margin). */
export function measureText(
  text: string,
  {
    families,
    weight,
    size,
    letterSpacing = 0,
  }: { families: string[]; weight: Weight; size: number; letterSpacing?: number },
): number {
  let width = 0;
  for (const ch of text) {
    const font = fontFor(ch.codePointAt(0)!, families, weight) ?? fontFor(0x3f, families, weight);
    if (!font) continue;
    const { metrics } = font;
    width += (metrics.advance(metrics.glyphOf(ch.codePointAt(0)!)) / metrics.unitsPerEm) * size + letterSpacing;
  }
  return width;
}

// --- a minimal WOFF reader: the cmap (characters → glyphs) and hmtx (advance widths) tables ---

function readWoff(file: Buffer): Metrics {
  if (file.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF font');
  const tables = new Map<string, Buffer>();
  const count = file.readUInt16BE(12);
  for (let i = 0; i < count; i++) {
    const at = 44 + i * 20;
    const tag = file.toString('latin1', at, at + 4);
    const offset = file.readUInt32BE(at + 4);
    const compressed = file.readUInt32BE(at + 8);
    const length = file.readUInt32BE(at + 12);
    const raw = file.subarray(offset, offset + compressed);
    tables.set(tag, compressed < length ? inflateSync(raw) : raw);
  }
  const head = tables.get('head')!;
  const hhea = tables.get('hhea')!;
  const hmtx = tables.get('hmtx')!;
  const unitsPerEm = head.readUInt16BE(18);
  const longMetrics = hhea.readUInt16BE(34);
  const glyphOf = readCmap(tables.get('cmap')!);
  return {
    unitsPerEm,
    glyphOf,
    advance: (glyph) => hmtx.readUInt16BE(4 * Math.min(glyph, longMetrics - 1)),
  };
}

function readCmap(cmap: Buffer): (codePoint: number) => number {
  const subtables = cmap.readUInt16BE(2);
  let format4 = -1;
  let format12 = -1;
  for (let i = 0; i < subtables; i++) {
    const platform = cmap.readUInt16BE(4 + i * 8);
    const encoding = cmap.readUInt16BE(6 + i * 8);
    const offset = cmap.readUInt32BE(8 + i * 8);
    const format = cmap.readUInt16BE(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 = offset;
    if (format === 4 && format4 < 0) format4 = offset;
  }
  if (format12 >= 0) {
    const groups = cmap.readUInt32BE(format12 + 12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const at = format12 + 16 + g * 12;
        const start = cmap.readUInt32BE(at);
        if (cp < start) return 0;
        if (cp <= cmap.readUInt32BE(at + 4)) return cmap.readUInt32BE(at + 8) + cp - start;
      }
      return 0;
    };
  }
  if (format4 < 0) return () => 0;
  const segX2 = cmap.readUInt16BE(format4 + 6);
  const ends = format4 + 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const ranges = deltas + segX2;
  return (cp) => {
    if (cp > 0xffff) return 0;
    for (let s = 0; s < segX2; s += 2) {
      if (cp > cmap.readUInt16BE(ends + s)) continue;
      const start = cmap.readUInt16BE(starts + s);
      if (cp < start) return 0;
      const delta = cmap.readInt16BE(deltas + s);
      const range = cmap.readUInt16BE(ranges + s);
      if (range === 0) return (cp + delta) & 0xffff;
      const glyph = cmap.readUInt16BE(ranges + s + range + 2 * (cp - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  };
}
