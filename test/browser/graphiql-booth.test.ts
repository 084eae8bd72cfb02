// /graphiql opens with the booth's operations, one tab each; signing in with the first keeps the
// token for the tab's session only (sessionStorage), and the next operation runs with it untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PASSWORDS, useTestServer } from '../helpers/server.js';
import { createShow, move, signUpGame } from '../helpers/ws.js';
import { hasChromium, launch, offlineContext } from './browser.js';

describe.skipIf(!hasChromium)('/graphiql booth operations in headless Chromium', async () => {
  const server = await useTestServer({ worker: false, env: { RECALL_DISABLE: 'true' } });
  let browser: Browser;
  let page: Page;
  let external: string[];

  async function setEditor(selector: string, value: string) {
    await page.locator(selector).first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(value);
    await page.waitForTimeout(500);
  }
  const response = async () => (await page.locator('.graphiql-response').innerText()).replace(/\u00a0/g, ' ');
  async function responseContains(needle: string, timeout = 20_000) {
    const until = Date.now() + timeout;
    for (;;) {
      const text = await response();
      if (text.includes(needle)) return text;
      if (Date.now() > until) throw new Error(`response never showed ${needle}: ${text.slice(0, 500)}`);
      await page.waitForTimeout(50);
    }
  }

  beforeAll(async () => {
    const showId = await createShow(server, 'Booth Show', new Date().toISOString().slice(0, 10));
    await move(
      server,
      'queueGame',
      await signUpGame(server, showId, 'Queued', { mobileNumber: '+14155556000' }),
      'TABLET',
    );
    browser = await launch();
    const ctx = await offlineContext(browser, { width: 1400, height: 900 });
    external = ctx.external;
    page = await ctx.context.newPage();
    await page.goto(`${server.url}/graphiql`);
    await page.waitForSelector('.graphiql-query-editor .monaco-editor', { timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens one tab per operation of the day, the first one to sign in', async () => {
    expect(await page.locator('.graphiql-tab').count()).toBe(8);
    const editor = (await page.locator('.graphiql-query-editor').innerText()).replace(/\u00a0/g, ' ');
    expect(editor).toContain('mutation SignIn');
  });

  it('signs in, keeps the token in sessionStorage only, and runs the next operation with it', async () => {
    await page.getByText('Variables', { exact: true }).click();
    await setEditor(
      '.monaco-editor[data-uri*="variables"]',
      JSON.stringify({ username: 'user', password: PASSWORDS.user }),
    );
    await page.locator('.graphiql-execute-button').click();
    await responseContains('"token"');
    const stored = await page.evaluate(() => ({
      session: sessionStorage.getItem('mlb-staff-token'),
      local: Object.values(localStorage).join('\n'),
    }));
    expect(stored.session).toMatch(/^ey/);
    expect(stored.local).not.toContain(stored.session!);

    // The next operation, with nothing in the Headers tab: the page adds the session's token.
    await setEditor(
      '.graphiql-query-editor .monaco-editor',
      `query Queue { queue { waiting { game { player { firstName mobileNumber } } } } }`,
    );
    await page.locator('.graphiql-execute-button').click();
    // The phone number is shown only to a signed-in caller.
    await responseContains('+14155556000');
  });

  it('made no request off this machine', () => {
    expect(external).toEqual([]);
  });
});
