import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { useTestServer } from '../helpers/server.js';
import { createShow, move, signUpGame } from '../helpers/ws.js';
import { hasChromium, launch, offlineContext } from './browser.js';

describe.skipIf(!hasChromium)('/graphiql in headless Chromium', async () => {
  const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
  let browser: Browser;
  let page: Page;
  let external: string[];
  let showId: string;

  /** Replaces an editor's text the way a person would: select all, then type (inserted in one go). */
  async function setEditor(selector: string, value: string) {
    await page.locator(selector).first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(value);
    // GraphiQL reads the editors after a debounce: run before it and it executes the old text
    // (with two operations it then only opens the operation picker).
    await page.waitForTimeout(500);
  }
  // Monaco renders spaces as no-break spaces.
  const response = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
  async function responseContains(needle: string | RegExp, timeout = 20_000) {
    const until = Date.now() + timeout;
    for (;;) {
      const text = await response();
      if (typeof needle === 'string' ? text.includes(needle) : needle.test(text)) return text;
      if (Date.now() > until) throw new Error(`response never showed ${needle}: ${text.slice(0, 500)}`);
      await page.waitForTimeout(50);
    }
  }
  const run = () => page.locator('.graphiql-execute-button').click();

  beforeAll(async () => {
    showId = await createShow(server, 'GraphiQL Show');
    browser = await launch();
    const ctx = await offlineContext(browser, { width: 1400, height: 900 });
    external = ctx.external;
    page = await ctx.context.newPage();
    await page.goto(`${server.url}/graphiql`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 20_000 });
    // Staff sign in first (the page says so): put a token in the Headers tab.
    await page.getByText('Headers', { exact: true }).click();
    await setEditor(
      '.monaco-editor[data-uri*="headers"]',
      JSON.stringify({ Authorization: `Bearer ${await server.token('STAFF')}` }),
    );
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('runs a query', async () => {
    await setEditor('.graphiql-query-editor .monaco-editor', `query Shows { shows { name } me { role } }`);
    await run();
    await responseContains('GraphiQL Show');
    expect(await response()).toContain('STAFF');
  });

  it('runs a subscription and shows each new snapshot', async () => {
    const gameId = await signUpGame(server, showId, 'Iris');
    await setEditor(
      '.graphiql-query-editor .monaco-editor',
      `subscription Live { queueChanged(showId: "${showId}") { version waiting { game { id } } } }`,
    );
    await run();
    await responseContains('"version"');
    expect(await response()).not.toContain(`"id": "${gameId}"`);
    await move(server, 'queueGame', gameId, 'TABLET');
    await responseContains(`"${gameId}"`, 5_000);
  });

  it('made no request off this machine', () => {
    expect(external).toEqual([]);
  });
});
