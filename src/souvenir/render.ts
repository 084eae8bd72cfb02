// satori (layout → SVG) then resvg (SVG → PNG). Fonts are read once per process.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import satori from 'satori';
import sharp from 'sharp';
import { buildCard, CARD_SIZE, parseColor, type CardData } from './card.js';
import { duotonePhoto } from './photo.js';

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
  fonts ??= Promise.all(FONT_FILES.map(async ([name, file, weight]) => ({ name, weight, style: 'normal' as const, data: await readFile(require.resolve(file)) })));
  return fonts;
}

export interface RenderTimings {
  /** Tinting the photo with the team colour (0 without a photo). */
  photoMs: number;
  satoriMs: number;
  resvgMs: number;
  /** PNG encoding of resvg's pixels. */
  encodeMs: number;
  totalMs: number;
}

export interface RenderResult {
  png: Buffer;
  svg: string;
  timings: RenderTimings;
}

/** Renders the card; `greyPhoto` is the prepared (greyscale, box-sized) upload, if any. */
export async function renderSouvenir(data: CardData, greyPhoto: Buffer | null): Promise<RenderResult> {
  const start = performance.now();
  const fontList = await loadFonts();
  const photo = greyPhoto ? `data:image/jpeg;base64,${(await duotonePhoto(greyPhoto, parseColor(data.teamColor))).toString('base64')}` : null;
  const t1 = performance.now();
  const svg = await satori(buildCard(data, photo) as never, { width: CARD_SIZE, height: CARD_SIZE, fonts: fontList });
  const t2 = performance.now();
  const image = new Resvg(svg, { fitTo: { mode: 'original' }, font: { loadSystemFonts: false } }).render();
  const t3 = performance.now();
  // libvips encodes PNG several times faster than resvg's own encoder.
  const png = await sharp(image.pixels, { raw: { width: image.width, height: image.height, channels: 4 } }).removeAlpha().png({ compressionLevel: 6 }).toBuffer();
  const t4 = performance.now();
  return { png, svg, timings: { photoMs: t1 - start, satoriMs: t2 - t1, resvgMs: t3 - t2, encodeMs: t4 - t3, totalMs: t4 - start } };
}
