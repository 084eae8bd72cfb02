import { mkdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { games } from '../../src/db/schema.js';
import { useTestServer } from '../helpers/server.js';
import { createShow, move, signUpGame } from '../helpers/ws.js';
import { hasChromium, launch, offlineContext } from './browser.js';

describe.skipIf(!hasChromium)("a player's status page /p/<token> in headless Chromium at a phone's size", async () => {
  const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
  let browser: Browser;
  let context: BrowserContext;
  let external: string[];
  let page: Page;
  let gameId: string;

  const waitForText = (sel: string, needle: string, timeout = 5000) =>
    page.waitForFunction(
      ([s, n]) => (document.querySelector(s as string)?.textContent ?? '').includes(n as string),
      [sel, needle] as const,
      { timeout, polling: 20 },
    );

  beforeAll(async () => {
    const showId = await createShow(server, 'Home Run Derby VR', new Date().toISOString().slice(0, 10));
    for (const name of ['Ben', 'Cleo']) await move(server, 'queueGame', await signUpGame(server, showId, name));
    gameId = await signUpGame(server, showId, 'Ada', { lastName: 'Lovelace', mobileNumber: '+14155552671' });
    await move(server, 'queueGame', gameId);
    const [row] = await server.app.context.database.db
      .select()
      .from(games)
      .where(eq(games.id, Number(gameId)));
    browser = await launch();
    ({ context, external } = await offlineContext(browser, { width: 390, height: 844 }));
    page = await context.newPage();
    await page.goto(`${server.url}/p/${row!.token}`);
    await waitForText('#conn', 'Live');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the first name, the place in line, the wait and the show, and nothing private', async () => {
    await waitForText('#headline', "You're in line");
    expect(await page.locator('#hello').innerText()).toBe('Hi Ada!');
    expect(await page.locator('#big').innerText()).toBe('#3');
    expect(await page.locator('#detail').innerText()).toMatch(/About 8 mins to wait/);
    expect(await page.locator('#show-name').innerText()).toMatch(/home run derby vr/i);
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('Lovelace');
    expect(body).not.toContain('2671');
  });

  it('turns to "You\'re up!" with the minutes left when the game is recalled', async () => {
    await move(server, 'recallGame', gameId, 'TABLET');
    await waitForText('#headline', "You're up! Come to the batting cage now", 3000);
    expect(await page.locator('#big').innerText()).toBe('30 min');
    mkdirSync('test/artifacts', { recursive: true });
    await page.screenshot({ path: 'test/artifacts/status-page.png' });
  });

  it('leaves the line with the button after a confirm step', async () => {
    await page.click('#leave');
    await page.waitForSelector('#confirm:not([hidden])');
    expect(
      (
        await server.app.context.database.db
          .select()
          .from(games)
          .where(eq(games.id, Number(gameId)))
      )[0]!.state,
    ).toBe('RECALLED');
    await page.click('#confirm-yes');
    await waitForText('#headline', "You've left the line", 3000);
    expect(await page.locator('#leave-area').isHidden()).toBe(true);
    const [row] = await server.app.context.database.db
      .select()
      .from(games)
      .where(eq(games.id, Number(gameId)));
    expect(row).toMatchObject({ state: 'CANCELLED', cancelReason: 'PLAYER_LEFT' });
  });

  it('made no request off this machine', () => {
    expect(external).toEqual([]);
  });
});
