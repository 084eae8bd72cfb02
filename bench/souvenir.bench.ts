// Souvenir rendering: satori + resvg in process, against the same card as an HTML page screenshot
// by headless Chromium (a browser per image, as the old server did, and one warm page).
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import type { SouvenirSize } from '../src/domain/souvenir.js';
import { layoutCard, type CardData, type CardNode } from '../src/souvenir/card.js';
import { satoriFonts } from '../src/souvenir/fonts.js';
import { prepareLogo, preparePhoto } from '../src/souvenir/photo.js';
import { imageFacts, renderCard, type RenderTimings } from '../src/souvenir/render.js';
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
  distanceUnit: 'ft',
  teamName: 'Blue Jays',
  teamColor: '#134A8E',
  showName: 'Bench Derby',
  playedOn: 'Nov 29, 2026',
  sponsorLine: 'Presented by Bench Bank',
};

const log = (msg: string) => console.error(`[souvenir] ${msg}`);
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: percentile(s, 50), p95: percentile(s, 95) };
};

/** A stand-in logo: a wide mark with some transparency, as uploads are prepared. */
function benchLogo(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="320"><rect x="10" y="10" width="780" height="300" rx="40" fill="#002d72"/><circle cx="160" cy="160" r="100" fill="#fff"/><rect x="300" y="120" width="440" height="80" fill="#d50032"/></svg>`;
  return prepareLogo(Buffer.from(svg));
}

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
  return satoriFonts()
    .map(
      (f) =>
        `@font-face{font-family:'${f.name}';font-weight:${f.weight};src:url(data:font/woff;base64,${f.data.toString('base64')}) format('woff')}`,
    )
    .join('');
}

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

async function cardHtml(
  photo: Buffer,
  logo: Buffer,
  size: SouvenirSize,
): Promise<{ html: string; width: number; height: number }> {
  // The same layers, stacked by the browser: the cropped photo, the card over it, the logo.
  const layout = layoutCard(CARD, size, await imageFacts(photo, logo));
  const cropped = await sharp(photo)
    .extract(layout.crop!)
    .resize(layout.photo.width, layout.photo.height, { fit: 'fill' })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const scaled = await sharp(logo)
    .resize(layout.logo!.width, layout.logo!.height, { fit: 'contain', background: '#ffffff' })
    .png()
    .toBuffer();
  const box = (b: { x: number; y: number; width: number; height: number }) =>
    `position:absolute;left:${b.x}px;top:${b.y}px;width:${b.width}px;height:${b.height}px`;
  const body =
    `<div style="position:relative;width:${layout.width}px;height:${layout.height}px">` +
    `<img src="${dataUrl(cropped)}" style="${box(layout.photo)}">` +
    `<div style="position:absolute;left:0;top:0">${toHtml(layout.node)}</div>` +
    `<img src="${dataUrl(scaled)}" style="${box(layout.logo!)}"></div>`;
  return {
    html: `<!doctype html><html><head><style>${fontFaces()}html,body{margin:0;padding:0}*{box-sizing:border-box}</style></head><body>${body}</body></html>`,
    width: layout.width,
    height: layout.height,
  };
}

async function shoot(browser: Browser, html: string, size: { width: number; height: number }, page?: Page) {
  const p = page ?? (await browser.newPage({ viewport: size }));
  await p.setContent(html, { waitUntil: 'load' });
  await p.evaluate(() => document.fonts.ready.then(() => undefined));
  return p.screenshot({ type: 'png', clip: { x: 0, y: 0, ...size } });
}

const souvenirBench: BenchModule = async () => {
  const photo = await benchPhoto();
  const logo = await benchLogo();
  for (let i = 0; i < 5; i++) {
    // Fonts loaded, code warm.
    await renderCard(CARD, 'square', photo, logo);
    await renderCard(CARD, 'story', photo, logo);
  }
  const rows: BenchRow[] = [];
  const measure = async (size: SouvenirSize, withPhoto: boolean, n: number) => {
    log(`rendering ${n} ${size} cards ${withPhoto ? 'with' : 'without'} a photo`);
    const timings: RenderTimings[] = [];
    for (let i = 0; i < n; i++)
      timings.push(
        (await renderCard({ ...CARD, score: CARD.score + i }, size, withPhoto ? photo : null, withPhoto ? logo : null))
          .timings,
      );
    return timings;
  };
  const stage = (name: string, timings: RenderTimings[], key: keyof RenderTimings) => {
    const s = stats(timings.map((t) => t[key]));
    rows.push({ name, 'median ms': round(s.median), 'p95 ms': round(s.p95), n: timings.length });
    return s;
  };
  const square = await measure('square', true, RENDERS);
  const total = stage('square 1080×1080: whole card (photo, logo)', square, 'totalMs');
  stage('  image facts (sizes, face)', square, 'factsMs');
  stage('  satori (layout → SVG)', square, 'satoriMs');
  stage('  resvg (SVG → pixels)', square, 'resvgMs');
  stage('  photo + logo in, PNG encode (sharp)', square, 'composeMs');
  stage('square 1080×1080: whole card (no photo)', await measure('square', false, Math.min(RENDERS, 30)), 'totalMs');
  const story = await measure('story', true, RENDERS);
  const storyTotal = stage('story 1080×1920: whole card (photo, logo)', story, 'totalMs');
  stage('  satori (layout → SVG)', story, 'satoriMs');
  stage('  resvg (SVG → pixels)', story, 'resvgMs');
  stage('  photo + logo in, PNG encode (sharp)', story, 'composeMs');
  stage('story 1080×1920: whole card (no photo)', await measure('story', false, Math.min(RENDERS, 30)), 'totalMs');

  const goals: string[] = [
    `median < 70 ms: ${total.median < 70 ? 'met' : 'NOT met'} (${round(total.median)} ms)`,
    `issue 17 goal 4 — souvenir square median < 60 ms: ${total.median < 60 ? 'met' : 'NOT met'} (${round(total.median)} ms)`,
    `story median (reported, no goal): ${round(storyTotal.median)} ms`,
  ];
  const notes: string[] = [
    'Each size rendered alone, image facts (photo size, face) included; a souvenir job draws both from one set of facts.',
  ];
  if (!existsSync(CHROMIUM)) {
    notes.push(`No Chromium at ${CHROMIUM} (apt-get install -y chromium): browser comparison skipped.`);
    return { title: 'Souvenir rendering', rows, goals, notes };
  }
  const { chromium } = await import('playwright-core');
  const card = await cardHtml(photo, logo, 'square');
  const viewport = { width: card.width, height: card.height };
  const launch = () => chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });

  log(`browser per image × ${BROWSER_PER_IMAGE}`);
  const perImage: number[] = [];
  for (let i = 0; i < BROWSER_PER_IMAGE; i++) {
    const t = performance.now();
    const browser = await launch();
    await shoot(browser, card.html, viewport);
    await browser.close();
    perImage.push(performance.now() - t);
  }
  log(`warm page × ${WARM_PAGE}`);
  const browser = await launch();
  const page = await browser.newPage({ viewport });
  for (let i = 0; i < 3; i++) await shoot(browser, card.html, viewport, page);
  const warm: number[] = [];
  let sample: Buffer | undefined;
  for (let i = 0; i < WARM_PAGE; i++) {
    const t = performance.now();
    sample = await shoot(browser, card.html, viewport, page);
    warm.push(performance.now() - t);
  }
  await browser.close();
  const meta = await sharp(sample!).metadata();
  const launched = stats(perImage);
  const warmed = stats(warm);
  rows.push({
    name: 'Chromium: browser launched per image (square)',
    'median ms': round(launched.median),
    'p95 ms': round(launched.p95),
    n: perImage.length,
    'ratio to satori+resvg': round(launched.median / total.median),
  });
  rows.push({
    name: 'Chromium: one warm page (square)',
    'median ms': round(warmed.median),
    'p95 ms': round(warmed.p95),
    n: warm.length,
    'ratio to satori+resvg': round(warmed.median / total.median),
  });
  const r1 = launched.median / total.median;
  const r2 = warmed.median / total.median;
  goals.push(
    `issue 17 goal 4 — souvenir ≥ 20× faster than a browser per image: ${r1 >= 20 ? 'met' : 'NOT met'} (${round(r1)}×)`,
  );
  goals.push(`≥ 3× faster than a warm browser page: ${r2 >= 3 ? 'met' : 'NOT met'} (${round(r2)}×)`);
  notes.push(
    `Same card in both: the satori element tree as inline-CSS HTML with the same woff fonts, photo crop and logo; Chromium screenshots ${meta.width}×${meta.height} PNG.`,
  );
  notes.push(
    'Timings include PNG encoding on both sides; satori + resvg runs in the measuring process, one card at a time. The photo is a synthetic 1600×1200 portrait with grain, prepared as uploads are.',
  );
  return { title: 'Souvenir rendering: satori + resvg vs headless Chromium', rows, goals, notes };
};

export default souvenirBench;
