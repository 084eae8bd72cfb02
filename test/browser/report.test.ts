// /staff/report in headless Chromium: sign in with the form, the figures and both inline SVG
// charts drawn from showReport, nothing fetched off this machine; a screenshot for people to look at.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { testClock } from '../helpers/api.js';
import { PASSWORDS, useTestServer } from '../helpers/server.js';
import { createShow, move, signUpGame } from '../helpers/ws.js';
import { hasChromium, launch, offlineContext } from './browser.js';

describe.skipIf(!hasChromium)('/staff/report in headless Chromium', async () => {
  const HOUR = 3_600_000;
  const T0 = Math.floor((Date.now() - 8 * HOUR) / HOUR) * HOUR;
  const clock = testClock(new Date(T0));
  const server = await useTestServer({ now: clock.now, worker: false, env: { RECALL_DISABLE: 'true' } });
  let browser: Browser;
  let page: Page;
  let external: string[];
  let showId: string;

  beforeAll(async () => {
    showId = await createShow(server, 'Report Stage', new Date(T0).toISOString().slice(0, 10));
    // Four hours of play, each player queued a little longer than the one before; one leaves the queue.
    let minute = 0;
    const step = (m: number) => clock.set(new Date(T0 + (minute += m) * 60_000));
    for (const [i, name] of ['Ava', 'Ben', 'Cy', 'Dee', 'Eli', 'Flo'].entries()) {
      const id = await signUpGame(server, showId, name);
      await move(server, 'queueGame', id, 'TABLET');
      step(5 + i * 4);
      await move(server, 'confirmGame', id, 'TABLET');
      await move(server, 'playGame', id, 'VR_GAME');
      step(4);
      await move(
        server,
        'completeGame',
        id,
        'VR_GAME',
        `, result: { score: ${1000 + i * 100}, distance: 300, homeruns: 2 }`,
      );
      step(i === 1 ? 40 : 10);
    }
    const left = await signUpGame(server, showId, 'Gil');
    await move(server, 'queueGame', left, 'TABLET');
    await move(server, 'cancelGame', left, 'TABLET');
    browser = await launch();
    const ctx = await offlineContext(browser, { width: 1200, height: 1400 });
    external = ctx.external;
    page = await ctx.context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('signs in, shows the figures and two charts, and prints', async () => {
    await page.goto(`${server.url}/staff/report?show=${showId}`);
    await page.waitForSelector('#signin:not([hidden])');
    await page.fill('input[name=username]', 'staff');
    await server.token('STAFF'); // creates the STAFF account
    await page.fill('input[name=password]', PASSWORDS.staff);
    await page.click('#signin button[type=submit]');
    await page.waitForSelector('body[data-ready=true]', { timeout: 10_000 });

    expect(await page.locator('#signin').isVisible()).toBe(false);
    const figures = await page.locator('#figures').innerText();
    expect(figures).toMatch(/Players signed up\s+7/);
    expect(figures).toMatch(/Games completed\s+6/);
    expect(figures).toMatch(/Games cancelled\s+1 \(1 from QUEUED\)/);
    expect(await page.locator('#title').innerText()).toContain('Report Stage');
    // Bars: one per hour with completions; the wait line through one dot per hour with a start.
    const bars = await page.locator('#chart-games svg rect.bar').count();
    expect(bars).toBeGreaterThanOrEqual(2);
    const barValues = await page.locator('#chart-games svg text.value').allTextContents();
    expect(barValues.map(Number).reduce((a, b) => a + b, 0)).toBe(6);
    expect(await page.locator('#chart-wait svg path.line').count()).toBe(1);
    expect(await page.locator('#chart-wait svg circle.dot').count()).toBeGreaterThanOrEqual(2);

    // The token stays in this tab's sessionStorage only.
    const storage = await page.evaluate(() => ({
      session: sessionStorage.getItem('mlb-staff-token'),
      local: Object.keys(localStorage),
    }));
    expect(storage.session).toMatch(/^ey/);
    expect(storage.local).toEqual([]);

    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/staff-report.png', fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.actions').isVisible()).toBe(false);
  });

  it('made no request off this machine', () => {
    expect(external).toEqual([]);
  });
});
