// Souvenir rendering: satori + resvg in process, against the same card as an HTML page screenshot
// by headless Chromium (a browser per image, as the old server did, and one warm page).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import {
  buildCard,
  buildOverlay,
  CARD_SIZE,
  CORNER_RADIUS,
  parseColor,
  PHOTO_BOX,
  PHOTO_ORIGIN,
  type CardData,
  type CardNode,
} from '../src/souvenir/card.js';
import { paintDuotonePhoto, preparePhoto } from '../src/souvenir/photo.js';
import { renderSouvenir, type RenderTimings } from '../src/souvenir/render.js';
import { percentile, type BenchModule, type BenchRow } from './section.js';

const RENDERS = Number(process.env.BENCH_SOUVENIR_RENDERS ?? 100);
const BROWSER_PER_IMAGE = Math.max(1, Number(process.env.BENCH_SOUVENIR_LAUNCHES ?? 10));
const WARM_PAGE = Math.max(1, Number(process.env.BENCH_SOUVENIR_WARM ?? 30));
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const CARD: CardData = {
  firstName: 'Casey',
  lastName: 'Jones',
  score: 123_456,
  homeruns: 7,
  distance: 452,
  teamName: 'Blue Jays',
  teamColor: '#134A8E',
  showName: 'Bench Derby',
};

const log = (msg: string) => console.error(`[souvenir] ${msg}`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentile(s, 50), p95: percentile(s, 95) };
};

/** A stand-in portrait: smooth light falloff, a face and shoulders, and sensor-like grain. */
async function benchPhoto(): Promise<Buffer> {
  const w = 1600,
    h = 1200;
  const grain = Buffer.alloc(w * h * 3);
  let seed = 12345;
  for (let i = 0; i < grain.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    grain[i] = 128 + ((seed >>> 24) % 25) - 12;
  }
  const scene =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><radialGradient id="l" cx="0.4" cy="0.3" r="0.9"><stop offset="0" stop-color="#e9e4dc"/><stop offset="1" stop-color="#3b4250"/></radialGradient></defs>` +
    `<rect width="${w}" height="${h}" fill="url(#l)"/><ellipse cx="800" cy="480" rx="250" ry="310" fill="#d9a983"/><rect x="420" y="820" width="760" height="380" rx="180" fill="#1f3356"/></svg>`;
  const jpeg = await sharp(Buffer.from(scene))
    .composite([{ input: grain, raw: { width: w, height: h, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 90 })
    .toBuffer();
  return preparePhoto(jpeg);
}

// --- the same card as HTML: the element tree with inline CSS, the same fonts and photo ---
const UNITLESS = new Set(['fontWeight', 'lineHeight', 'opacity', 'flex', 'flexGrow', 'flexShrink', 'zIndex']);
const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

function toHtml(node: CardNode | string): string {
  if (typeof node === 'string') return escape(node);
  const style = Object.entries(node.props.style ?? {})
    .map(([k, v]) => `${kebab(k)}:${typeof v === 'number' && !UNITLESS.has(k) ? `${v}px` : v}`)
    .join(';');
  const children =
    node.props.children === undefined ? [] : ([] as Array<CardNode | string>).concat(node.props.children);
  if (node.type === 'img') return `<img src="${node.props.src as string}" style="${escape(style)}">`;
  return `<${node.type} style="${escape(style)}">${children.map(toHtml).join('')}</${node.type}>`;
}

function fontFaces(): string {
  const require = createRequire(import.meta.url);
  const faces: Array<[string, string, number]> = [
    ['Oswald', 'oswald-latin-700-normal', 700],
    ['Oswald', 'oswald-latin-600-normal', 600],
    ['Inter', 'inter-latin-600-normal', 600],
  ];
  return faces
    .map(([family, file, weight]) => {
      const data = readFileSync(require.resolve(`@fontsource/${family.toLowerCase()}/files/${file}.woff`)).toString(
        'base64',
      );
      return `@font-face{font-family:'${family}';font-weight:${weight};src:url(data:font/woff;base64,${data}) format('woff')}`;
    })
    .join('');
}

async function cardHtml(grey: Buffer): Promise<string> {
  // The same three layers, stacked by the browser: card, toned photo, name and mark.
  const { width, height } = PHOTO_BOX;
  const toned = Buffer.alloc(width * height * 4, 255);
  await paintDuotonePhoto(toned, width, grey, parseColor(CARD.teamColor), { left: 0, top: 0 }, CORNER_RADIUS);
  const photo = `data:image/png;base64,${(
    await sharp(toned, { raw: { width, height, channels: 4 } })
      .png({ compressionLevel: 1 })
      .toBuffer()
  ).toString('base64')}`;
  const at = `position:absolute;left:${PHOTO_ORIGIN.left}px;top:${PHOTO_ORIGIN.top}px;width:${PHOTO_BOX.width}px;height:${PHOTO_BOX.height}px`;
  const layers = `${toHtml(buildCard(CARD, true))}<img src="${photo}" style="${at}"><div style="${at};display:flex">${toHtml(buildOverlay(CARD))}</div>`;
  const body = `<div style="position:relative;width:${CARD_SIZE}px;height:${CARD_SIZE}px">${layers}</div>`.replace(
    /div style="(?!position:relative;width)/g,
    'div style="display:flex;',
  );
  return `<!doctype html><html><head><style>${fontFaces()}html,body{margin:0;padding:0}*{box-sizing:border-box}</style></head><body>${body}</body></html>`;
}

async function shoot(browser: Browser, html: string, page?: Page): Promise<Buffer> {
  const p = page ?? (await browser.newPage({ viewport: { width: CARD_SIZE, height: CARD_SIZE } }));
  await p.setContent(html, { waitUntil: 'load' });
  await p.evaluate(() => document.fonts.ready.then(() => undefined));
  return p.screenshot({ type: 'png', clip: { x: 0, y: 0, width: CARD_SIZE, height: CARD_SIZE } });
}

const souvenirBench: BenchModule = async () => {
  const grey = await benchPhoto();
  for (let i = 0; i < 5; i++) await renderSouvenir(CARD, grey); // fonts loaded, code warm
  log(`rendering ${RENDERS} cards with satori + resvg`);
  const timings: RenderTimings[] = [];
  for (let i = 0; i < RENDERS; i++)
    timings.push((await renderSouvenir({ ...CARD, score: CARD.score + i }, grey)).timings);
  const noPhoto: number[] = [];
  for (let i = 0; i < Math.min(RENDERS, 30); i++)
    noPhoto.push((await renderSouvenir({ ...CARD, score: i }, null)).timings.totalMs);

  const rows: BenchRow[] = [];
  const stage = (name: string, key: keyof RenderTimings) => {
    const s = stats(timings.map((t) => t[key]));
    rows.push({ name, 'median ms': round(s.median), 'p95 ms': round(s.p95), n: RENDERS });
    return s;
  };
  const total = stage('satori + resvg: whole card (photo)', 'totalMs');
  stage('  satori (layout → SVG, both layers)', 'satoriMs');
  stage('  resvg (SVG → pixels, both layers)', 'resvgMs');
  stage('  photo: decode + duotone into the pixels', 'photoMs');
  stage('  name layer blend + PNG encode (sharp)', 'encodeMs');
  const plain = stats(noPhoto);
  rows.push({
    name: 'satori + resvg: whole card (placeholder)',
    'median ms': round(plain.median),
    'p95 ms': round(plain.p95),
    n: noPhoto.length,
  });

  const goals: string[] = [`median < 70 ms: ${total.median < 70 ? 'met' : 'NOT met'} (${round(total.median)} ms)`];
  const notes: string[] = [];
  if (!existsSync(CHROMIUM)) {
    notes.push(`No Chromium at ${CHROMIUM} (apt-get install -y chromium): browser comparison skipped.`);
    return { title: 'Souvenir rendering', rows, goals, notes };
  }
  const { chromium } = await import('playwright-core');
  const html = await cardHtml(grey);
  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

  log(`browser per image × ${BROWSER_PER_IMAGE}`);
  const perImage: number[] = [];
  for (let i = 0; i < BROWSER_PER_IMAGE; i++) {
    const t = performance.now();
    const browser = await launch();
    await shoot(browser, html);
    await browser.close();
    perImage.push(performance.now() - t);
  }
  log(`warm page × ${WARM_PAGE}`);
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: CARD_SIZE, height: CARD_SIZE } });
  for (let i = 0; i < 3; i++) await shoot(browser, html, page);
  const warm: number[] = [];
  let sample: Buffer | undefined;
  for (let i = 0; i < WARM_PAGE; i++) {
    const t = performance.now();
    sample = await shoot(browser, html, page);
    warm.push(performance.now() - t);
  }
  await browser.close();
  const meta = await sharp(sample!).metadata();
  const launched = stats(perImage);
  const warmed = stats(warm);
  rows.push({
    name: 'Chromium: browser launched per image',
    'median ms': round(launched.median),
    'p95 ms': round(launched.p95),
    n: perImage.length,
    'ratio to satori+resvg': round(launched.median / total.median),
  });
  rows.push({
    name: 'Chromium: one warm page',
    'median ms': round(warmed.median),
    'p95 ms': round(warmed.p95),
    n: warm.length,
    'ratio to satori+resvg': round(warmed.median / total.median),
  });
  const r1 = launched.median / total.median;
  const r2 = warmed.median / total.median;
  goals.push(`≥ 20× faster than a browser per image: ${r1 >= 20 ? 'met' : 'NOT met'} (${round(r1)}×)`);
  goals.push(`≥ 3× faster than a warm browser page: ${r2 >= 3 ? 'met' : 'NOT met'} (${round(r2)}×)`);
  notes.push(
    `Same card in both: the satori element tree as inline-CSS HTML with the same woff fonts and the same toned photo; Chromium screenshots ${meta.width}×${meta.height} PNG.`,
  );
  notes.push(
    'Timings include PNG encoding on both sides; satori + resvg runs in the measuring process, one card at a time. The photo is a synthetic 1600×1200 portrait with grain, prepared as uploads are.',
  );
  return { title: 'Souvenir rendering: satori + resvg vs headless Chromium', rows, goals, notes };
};

export default souvenirBench;
