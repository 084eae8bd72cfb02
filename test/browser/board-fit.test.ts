// The board at the screens a venue has (720p, 1080p, portrait 1080×1920, 4K) with a long line:
// nothing is clipped, "+ N more" accounts for every row that did not fit, and the text is large
// enough to read from 5 m on a 55-inch 1080p screen.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useTestServer } from '../helpers/server.js';
import { createShow, move, signUpGame } from '../helpers/ws.js';
import { hasChromium, launch, offlineContext } from './browser.js';

const WAITING = 25;
const NAMES =
  'Ada Ben Cleo Dev Eli Fay Gus Hal Ivy Jo Kai Lee Mia Ned Oli Pia Quin Rae Sam Tia Uma Vic Wes Xia Yan Zed'.split(' ');

/** Every panel's content that lies (even partly) outside its panel, as "panel: element" strings. */
async function clipped(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const panel of document.querySelectorAll('.panel')) {
      const box = panel.getBoundingClientRect();
      for (const item of panel.querySelectorAll('h2, li, .more:not([hidden]), .empty:not([hidden])')) {
        const r = item.getBoundingClientRect();
        if (r.height === 0) continue;
        if (r.top < box.top - 1 || r.bottom > box.bottom + 1 || r.left < box.left - 1 || r.right > box.right + 1)
          out.push(`${panel.className}: ${item.textContent?.trim().slice(0, 40)}`);
      }
    }
    return out;
  });
}

describe.skipIf(!hasChromium)('/board fits the screen', async () => {
  const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
  let browser: Browser;
  let showId: string;

  beforeAll(async () => {
    showId = await createShow(server, 'Fit Test Stadium', new Date().toISOString().slice(0, 10));
    const done = await signUpGame(server, showId, 'Dana', { lastName: 'Ortiz' });
    await move(server, 'confirmGame', done);
    await move(server, 'playGame', done, 'VR_GAME');
    await move(server, 'completeGame', done, 'VR_GAME', ', result: { score: 1450, distance: 2310, homeruns: 6 }');
    const batter = await signUpGame(server, showId, 'Ben', { lastName: 'Walker' });
    await move(server, 'confirmGame', batter);
    await move(server, 'playGame', batter, 'VR_GAME');
    await move(server, 'confirmGame', await signUpGame(server, showId, 'Cleo', { lastName: 'Nguyen' }));
    const ids: string[] = [];
    for (const name of NAMES.slice(0, WAITING + 1)) {
      const id = await signUpGame(server, showId, name, { lastName: 'Longname-Fitzgerald' });
      await move(server, 'queueGame', id, 'TABLET');
      ids.push(id);
    }
    await move(server, 'recallGame', ids[0]!, 'TABLET');
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    [1280, 720],
    [1920, 1080],
    [1080, 1920],
    [3840, 2160],
  ])('at %i×%i: nothing clipped, and the rows shown plus "+ N more" are the whole line', async (width, height) => {
    const { context, external } = await offlineContext(browser, { width, height });
    const page = await context.newPage();
    await page.goto(`${server.url}/board?show=${showId}`);
    await page.waitForFunction(
      () => document.querySelectorAll('#waiting li').length > 0 && !!document.querySelector('#top li'),
    );
    await page.waitForTimeout(700); // newcomers' highlight and the fonts settle
    const shownRows = await page.locator('#waiting li').count();
    const more = await page.locator('#waiting-more').innerText();
    expect(await page.locator('#waiting-count').innerText()).toBe(String(WAITING));
    expect(shownRows).toBeGreaterThanOrEqual(4);
    expect(shownRows + Number(/\+ (\d+) more in line/.exec(more)?.[1] ?? NaN)).toBe(WAITING);
    expect(await clipped(page)).toEqual([]);
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: `test/artifacts/board-${width}x${height}.png` });
    expect(external).toEqual([]);
    await context.close();
  });

  it('at 1080p sets names and wait times large, and wait times not in the muted grey', async () => {
    const { context } = await offlineContext(browser, { width: 1920, height: 1080 });
    const page = await context.newPage();
    await page.goto(`${server.url}/board?show=${showId}`);
    await page.waitForSelector('#waiting li .eta');
    await page.waitForSelector('#top li');
    // Read in one go in the page: a re-render between finding an element and reading it would
    // leave a detached node with no computed style.
    const style = (sel: string) =>
      page.evaluate((s) => {
        const e = document.querySelector(s);
        const computed = e ? getComputedStyle(e) : null;
        return { size: computed ? parseFloat(computed.fontSize) : NaN, color: computed?.color ?? '' };
      }, sel);
    const name = await style('#waiting li .name');
    const eta = await style('#waiting li .eta');
    const playing = await style('#playing li .name');
    const team = await style('#top li .name');
    expect(name.size).toBeGreaterThanOrEqual(42);
    expect(playing.size).toBeGreaterThanOrEqual(52);
    expect(eta.size).toBeGreaterThanOrEqual(36);
    expect(team.size).toBeGreaterThanOrEqual(34);
    expect(eta.color).not.toBe('rgb(147, 164, 191)');
    await context.close();
  });

  it("lists the day's top scores with first names and initials", async () => {
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/board?show=${showId}`);
    await page.waitForSelector('#top li');
    expect(await page.locator('#top').innerText()).toMatch(/1\s*Dana O\.\s*1,450/);
    expect(await page.locator('body').innerText()).not.toContain('Ortiz');
    await context.close();
  });

  it('shows only the error for an unknown show: no open cage, no scores', async () => {
    const { context } = await offlineContext(browser);
    const page = await context.newPage();
    await page.goto(`${server.url}/board?show=987654`);
    await page.waitForSelector('#problem:not([hidden])');
    const body = await page.locator('body').innerText();
    expect(body).toMatch(/not found|no show|unknown/i);
    expect(body).not.toMatch(/step right up/i);
    expect(body).not.toContain('1,450');
    expect(await page.locator('.grid').isVisible()).toBe(false);
    await context.close();
  });
});
