// The souvenir's share page /s/<code> in headless Chromium at a phone's size: the preview tags,
// the card loaded, "Save image" downloading the PNG, the share button handing the phone's share
// sheet the image, every visit, save and share counted, nothing loaded from elsewhere and nothing
// the CSP refuses. Screenshots of the page go to test/artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { shortLinks, teams } from '../../src/db/schema.js';
import { driveTo, seedShow, signUpPlayer } from '../helpers/api.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';
import { hasChromium, launch } from './browser.js';

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="420" height="160"><rect width="420" height="160" rx="26" fill="#0c2340"/><circle cx="80" cy="80" r="52" fill="#fff"/><path d="M50 60 Q80 80 50 100 M110 60 Q80 80 110 100" stroke="#bd3039" stroke-width="6" fill="none"/><rect x="160" y="52" width="230" height="22" rx="6" fill="#fff"/><rect x="160" y="88" width="160" height="22" rx="6" fill="#bd3039"/></svg>`;

async function portrait(): Promise<Buffer> {
  const w = 1600;
  const h = 1200;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><radialGradient id="s" cx="0.5" cy="0.3" r="0.8"><stop offset="0" stop-color="#a9d2f5"/><stop offset="1" stop-color="#3d6ea5"/></radialGradient></defs>` +
    `<rect width="${w}" height="${h}" fill="url(#s)"/><rect y="880" width="${w}" height="320" fill="#3a7d44"/>` +
    `<rect x="440" y="760" width="720" height="600" rx="200" fill="#bd3039"/><ellipse cx="800" cy="500" rx="190" ry="240" fill="#d9a983"/>` +
    `<ellipse cx="800" cy="300" rx="210" ry="110" fill="#0c2340"/><rect x="590" y="320" width="420" height="40" rx="12" fill="#0c2340"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

describe.skipIf(!hasChromium)('the share page /s/<code> in headless Chromium at a phone size', async () => {
  const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
  const db = server.app.context.database.db;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let code: string;
  const external: string[] = [];
  const refused: string[] = [];
  const counts = async () => {
    const [l] = await db.select().from(shortLinks).where(eq(shortLinks.code, code));
    return { hits: l!.hits, saves: l!.saves, shares: l!.shares };
  };

  beforeAll(async () => {
    const show = await seedShow(server, {
      name: 'Fenway Home Run Derby',
      sponsorLine: 'Presented by Acme Bank',
      timeZone: 'America/New_York',
    });
    await db.insert(teams).values({ name: 'Red Sox', color: '#BD3039' });
    const admin = await server.token('ADMIN');
    const logo = await fetch(`${server.url}/shows/${show.id}/logo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}` },
      body: LOGO,
    });
    expect(logo.status).toBe(200);
    const { playerId, gameId } = await signUpPlayer(server, {
      firstName: 'Dana',
      lastName: 'Reyes',
      mobileNumber: '+14155552671',
      team: 'Red Sox',
    });
    const photo = await fetch(`${server.url}/players/${playerId}/photo`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${await server.token('TABLET')}` },
      body: new Uint8Array(await portrait()),
    });
    expect(photo.status).toBe(200);
    await driveTo(server, gameId, 'PLAYING');
    const done = await server.gql(
      `mutation($id: ID!) { completeGame(id: $id, result: { score: 12345, distance: 452, homeruns: 7 }) { id } }`,
      { id: String(gameId) },
      await server.token('VR_GAME'),
    );
    expect(done.errors).toBeUndefined();
    const [msg] = await waitFor(
      async () => {
        const m = await fixtures(db).souvenirTexts(gameId);
        return m.length ? m : undefined;
      },
      30_000,
      'souvenir text',
    );
    code = /\/s\/([A-Za-z0-9_-]{8,})/.exec(msg!.body)![1]!;
    expect((await fixtures(db).gameRow(gameId)).souvenirKey).toBeTruthy();

    browser = await launch();
    context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      acceptDownloads: true,
    });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (['127.0.0.1', 'localhost'].includes(url.hostname) || ['data:', 'blob:'].includes(url.protocol))
        return route.continue();
      external.push(route.request().url());
      return route.abort();
    });
    // The phone's share sheet: Chromium on Linux has none, so the test stands in for it and
    // records what the page hands over.
    await context.addInitScript(() => {
      const shared: unknown[] = [];
      (window as unknown as { shared: unknown[] }).shared = shared;
      Object.assign(navigator, {
        canShare: (d: { files?: File[] }) => Boolean(d.files?.every((f) => f.type === 'image/png')),
        share: async (d: { files?: File[]; title?: string }) => {
          shared.push({
            title: d.title,
            files: (d.files ?? []).map((f) => ({ name: f.name, type: f.type, size: f.size })),
          });
        },
      });
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text());
    });
    await page.goto(`${server.url}/s/${code}`);
    await page.waitForFunction(() => (document.getElementById('card') as HTMLImageElement | null)?.complete === true);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('has the preview tags, the card loaded, the story version, and nothing from elsewhere', async () => {
    const meta = (sel: string) => page.locator(sel).getAttribute('content');
    const image = (await meta('meta[property="og:image"]'))!;
    // Absolute (PUBLIC_BASE_URL), as preview fetchers need.
    expect(image).toMatch(/^https?:\/\/[^/]+\/media\/souvenirs\/[A-Za-z0-9_-]{22}\.png$/);
    expect(await meta('meta[name="twitter:card"]')).toBe('summary_large_image');
    expect(await meta('meta[property="og:title"]')).toMatch(/Dana/);
    // The PNG stays reachable at its own URL.
    const png = await fetch(`${server.url}${new URL(image).pathname}`);
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    const natural = await page.evaluate(() => {
      const img = document.getElementById('card') as HTMLImageElement;
      return [img.naturalWidth, img.naturalHeight, Math.round(img.getBoundingClientRect().width)];
    });
    expect(natural).toEqual([1080, 1080, 358]);
    await page.locator('.story img').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => (document.querySelector('.story img') as HTMLImageElement).naturalHeight === 1920);
    expect(external).toEqual([]);
    expect(refused).toEqual([]);
    mkdirSync('test/artifacts', { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: 'test/artifacts/share-page.png' });
    await page.screenshot({ path: 'test/artifacts/share-page-full.png', fullPage: true });
  });

  it('saves the image with "Save image" and counts it', async () => {
    const before = await counts();
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#save').click()]);
    expect(download.suggestedFilename()).toBe('souvenir.png');
    const meta = await sharp(readFileSync((await download.path())!)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1080, 1080]);
    expect(await counts()).toEqual({ ...before, saves: before.saves + 1 });
  });

  it('hands the share sheet the image file and counts the share', async () => {
    const share = page.locator('#share');
    expect(await share.isVisible()).toBe(true);
    await share.click();
    await page.waitForFunction(() => (window as unknown as { shared: unknown[] }).shared.length === 1);
    const shared = await page.evaluate(() => (window as unknown as { shared: unknown[] }).shared);
    expect(shared).toEqual([
      {
        title: expect.stringMatching(/Dana/),
        files: [{ name: 'souvenir.png', type: 'image/png', size: expect.any(Number) }],
      },
    ]);
    await waitFor(async () => ((await counts()).shares === 1 ? true : undefined), 5000, 'share counted');
    expect((await counts()).hits).toBe(1);
    expect(refused).toEqual([]);
  });
});
