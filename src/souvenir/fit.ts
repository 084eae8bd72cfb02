// Fitting text to a box: shrink first, then wrap onto two lines, then break a word too long for a
// line, and only past the smallest size cut with an ellipsis. Widths come from the font files
// (fonts.ts), so the layout knows each line's width before satori draws it.
import { measureText, type Weight } from './fonts.js';

export interface TextStyle {
  families: string[];
  weight: Weight;
  /** Letter spacing as a fraction of the font size. */
  tracking?: number;
  /** Line height as a multiple of the font size. */
  lineHeight?: number;
}

export interface FitOptions extends TextStyle {
  width: number;
  height: number;
  maxSize: number;
  /** The smallest size on one line before wrapping is tried. */
  minSize: number;
  /** Below this even wrapped text is cut with an ellipsis. */
  floorSize?: number;
  maxLines?: 1 | 2;
}

export interface FittedText {
  lines: string[];
  size: number;
  /** Each line's measured width at `size`. */
  widths: number[];
  lineHeight: number;
}

/**
 * Kerning and satori's own rounding are not in the measurement; a line is given this share of
 * the box so that the drawn glyphs stay inside it (the render test measures the pixels).
 */
const SAFETY = 0.96;

export function textWidth(text: string, size: number, style: TextStyle): number {
  return measureText(text, {
    families: style.families,
    weight: style.weight,
    size,
    letterSpacing: (style.tracking ?? 0) * size,
  });
}

/** The largest whole size at which every line fits the width (text width grows with the size). */
function sizeFor(lines: string[], o: FitOptions): number {
  const lh = o.lineHeight ?? 1.1;
  const perPx = Math.max(...lines.map((l) => textWidth(l, 1, o)), 1e-6);
  return Math.floor(Math.min(o.maxSize, (o.width * SAFETY) / perPx, o.height / (lines.length * lh)));
}

function result(lines: string[], size: number, o: FitOptions): FittedText {
  return { lines, size, widths: lines.map((l) => textWidth(l, size, o)), lineHeight: o.lineHeight ?? 1.1 };
}

/** Two lines split after a space or hyphen, the split that leaves the longer line shortest; null without one. */
function wordSplit(text: string, o: FitOptions): string[] | null {
  let best: string[] | null = null;
  let bestWidth = Infinity;
  for (let i = 1; i < text.length; i++) {
    const prev = text[i - 1]!;
    if (prev !== ' ' && prev !== '-') continue;
    const lines = [text.slice(0, i).trimEnd(), text.slice(i).trimStart()];
    if (!lines[0] || !lines[1]) continue;
    const w = Math.max(...lines.map((l) => textWidth(l, 1, o)));
    if (w < bestWidth) [best, bestWidth] = [lines, w];
  }
  return best;
}

/** Two lines split anywhere (a single long word), balanced by width. */
function charSplit(text: string, o: FitOptions): string[] {
  const chars = [...text];
  let best = [text];
  let bestWidth = Infinity;
  for (let i = 1; i < chars.length; i++) {
    const lines = [chars.slice(0, i).join(''), chars.slice(i).join('')];
    const w = Math.max(...lines.map((l) => textWidth(l, 1, o)));
    if (w < bestWidth) [best, bestWidth] = [lines, w];
  }
  return best;
}

function ellipsis(text: string, size: number, o: FitOptions): string {
  const chars = [...text];
  for (let n = chars.length - 1; n > 0; n--) {
    const cut = `${chars.slice(0, n).join('').trimEnd()}…`;
    if (textWidth(cut, size, o) <= o.width * SAFETY) return cut;
  }
  return '…';
}

export function fitText(raw: string, o: FitOptions): FittedText {
  const text = raw.trim().replace(/\s+/g, ' ') || ' ';
  const floor = o.floorSize ?? Math.min(o.minSize, 20);
  const one = sizeFor([text], o);
  if (one >= o.minSize || (o.maxLines ?? 1) === 1) {
    if (one >= floor) return result([text], one, o);
    return result([ellipsis(text, floor, o)], floor, o);
  }
  const words = wordSplit(text, o);
  if (words) {
    const size = sizeFor(words, o);
    if (size >= Math.min(o.minSize, one + 1) && size >= floor) return result(words, size, o);
  }
  const broken = charSplit(text, o);
  const size = sizeFor(broken, o);
  if (size >= floor) return result(broken, size, o);
  const cut = broken.map((l) => (textWidth(l, floor, o) <= o.width * SAFETY ? l : ellipsis(l, floor, o)));
  return result(cut, floor, o);
}
