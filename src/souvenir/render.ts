// satori (layout → SVG) then resvg (SVG → PNG). Fonts are read once per process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import sharp from 'sharp';
import {
  buildCard,
  buildOverlay,
  CARD_SIZE,
  CORNER_RADIUS,
  parseColor,
  PHOTO_BOX,
  PHOTO_ORIGIN,
  type CardData,
} from './card.js';
import { paintDuotonePhoto } from './photo.js';

type Font = { name: string; data: Buffer; weight: 400 | 500 | 600 | 700; style: 'normal' };

const require = createRequire(import.meta.url);
const FONT_FILES: Array<[string, string, Font['weight']]> = [
  ['Oswald', '@fontsource/oswald/files/oswald-latin-700-normal.woff', 700],
  ['Oswald Ext', '@fontsource/oswald/files/oswald-latin-ext-700-normal.woff', 700],
  ['Oswald', '@fontsource/oswald/files/oswald-latin-600-normal.woff', 600],
  ['Oswald Ext', '@fontsource/oswald/files/oswald-latin-ext-600-normal.woff', 600],
  ['Inter', '@fontsource/inter/files/inter-latin-600-normal.woff', 600],
  ['Inter Ext', '@fontsource/inter/files/inter-latin-ext-600-normal.woff', 600],
  ['Oswald Vi', '@fontsource/oswald/files/oswald-vietnamese-700-normal.woff', 700],
  ['Oswald Vi', '@fontsource/oswald/files/oswald-vietnamese-600-normal.woff', 600],
  ['Inter Vi', '@fontsource/inter/files/inter-vietnamese-600-normal.woff', 600],
];

let fonts: Promise<Font[]> | undefined;
export function loadFonts(): Promise<Font[]> {
  fonts ??= Promise.all(
    FONT_FILES.map(async ([name, file, weight]) => ({
      name,
      weight,
      style: 'normal' as const,
      data: await readFile(require.resolve(file)),
    })),
  );
  return fonts;
}

export interface RenderTimings {
  /** Toning the photo with the team colour (0 without a photo). */
  photoMs: number;
  /** Layout of both layers into SVG. */
  satoriMs: number;
  /** Both SVG layers to pixels. */
  resvgMs: number;
  /** Laying the name over the photo and encoding the PNG. */
  encodeMs: number;
  totalMs: number;
}

export interface RenderResult {
  png: Buffer;
  timings: RenderTimings;
}

const RESVG = { fitTo: { mode: 'original' as const }, font: { loadSystemFonts: false } };

/** Source-over of resvg's premultiplied RGBA `top` onto opaque RGBA `base` at (left, top). */
function blendOver(
  base: Buffer,
  baseWidth: number,
  top: Buffer,
  width: number,
  height: number,
  at: { left: number; top: number },
): void {
  for (let y = 0; y < height; y++) {
    let o = ((at.top + y) * baseWidth + at.left) * 4;
    let i = y * width * 4;
    for (let x = 0; x < width; x++, i += 4, o += 4) {
      const a = top[i + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        base[o] = top[i]!;
        base[o + 1] = top[i + 1]!;
        base[o + 2] = top[i + 2]!;
      } else {
        const k = 1 - a / 255;
        base[o] = top[i]! + base[o]! * k;
        base[o + 1] = top[i + 1]! + base[o + 1]! * k;
        base[o + 2] = top[i + 2]! + base[o + 2]! * k;
      }
    }
  }
}

/**
 * Renders the card; `greyPhoto` is the prepared (greyscale, box-sized) upload, if any. Three layers:
 * the card (satori + resvg), the photo toned straight into its pixels, then the name and team mark
 * (satori + resvg) over it. The photo never passes through the SVG renderer, which would decode
 * and clip it on every render.
 */
export async function renderSouvenir(data: CardData, greyPhoto: Buffer | null): Promise<RenderResult> {
  const start = performance.now();
  const fontList = await loadFonts();
  const [cardSvg, overlaySvg] = await Promise.all([
    satori(buildCard(data, greyPhoto !== null) as never, { width: CARD_SIZE, height: CARD_SIZE, fonts: fontList }),
    satori(buildOverlay(data) as never, { width: PHOTO_BOX.width, height: PHOTO_BOX.height, fonts: fontList }),
  ]);
  const t1 = performance.now();
  const card = new Resvg(cardSvg, RESVG).render();
  const overlay = new Resvg(overlaySvg, RESVG).render();
  const t2 = performance.now();
  const pixels = card.pixels;
  if (greyPhoto)
    await paintDuotonePhoto(pixels, card.width, greyPhoto, parseColor(data.teamColor), PHOTO_ORIGIN, CORNER_RADIUS);
  const t3 = performance.now();
  blendOver(pixels, card.width, overlay.pixels, overlay.width, overlay.height, PHOTO_ORIGIN);
  const png = await sharp(pixels, { raw: { width: card.width, height: card.height, channels: 4 } })
    .removeAlpha()
    // Level 2: a card with a photo barely shrinks past it, and higher levels cost several times the time.
    .png({ compressionLevel: 2 })
    .toBuffer();
  const t4 = performance.now();
  return {
    png,
    timings: { satoriMs: t1 - start, resvgMs: t2 - t1, photoMs: t3 - t2, encodeMs: t4 - t3, totalMs: t4 - start },
  };
}
