import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useTestServer } from '../helpers/server.js';
import { createShow, move, signUpGame } from '../helpers/ws.js';
import { hasChromium, launch, offlineContext } from './browser.js';

describe.skipIf(!hasChromium)('/board in headless Chromium', async () => {
  const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
  let browser: Browser;
  let context: BrowserContext;
  let external: string[];
  let page: Page;
  let showId: string;

  const text = (sel: string) => page.locator(sel).innerText();
  const waitForText = (sel: string, needle: string, present = true, timeout = 5000) =>
    page.waitForFunction(
      ([s, n, p]) => (document.querySelector(s as string)?.textContent ?? '').includes(n as string) === p,
      [sel, needle, present] as const,
      { timeout, polling: 20 },
    );

  beforeAll(async () => {
    const admin = await server.token('ADMIN');
    for (const [name, color] of [
      ['Aces', '#e63946'],
      ['Bombers', '#1d70b8'],
      ['Comets', '#2a9d8f'],
    ]) {
      await server.gql(
        `mutation($n: String!, $c: String!) { createTeam(name: $n, color: $c) { id } }`,
        { n: name, c: color },
        admin,
      );
    }
    showId = await createShow(server, 'Fan Fest Main Stage', new Date().toISOString().slice(0, 10));
    // A finished game so the team scores have something for today.
    const done = await signUpGame(server, showId, 'Dana', { team: 'Comets', lastName: 'Ortiz' });
    await move(server, 'confirmGame', done);
    await move(server, 'playGame', done, 'VR_GAME');
    await move(server, 'completeGame', done, 'VR_GAME', ', result: { score: 1450, distance: 2310, homeruns: 6 }');
    const batter = await signUpGame(server, showId, 'Ben', { team: 'Bombers', lastName: 'Walker' });
    await move(server, 'confirmGame', batter);
    await move(server, 'playGame', batter, 'VR_GAME');
    const deck = await signUpGame(server, showId, 'Cleo', { team: 'Aces', lastName: 'Nguyen' });
    await move(server, 'confirmGame', deck);
    for (const [first, last, team] of [
      ['Ada', 'Lovelace', 'Aces'],
      ['Hank', 'Aaron', 'Bombers'],
      ['Maya', 'Patel', 'Comets'],
      ['Omar', 'Haddad', 'Aces'],
    ]) {
      await move(server, 'queueGame', await signUpGame(server, showId, first!, { lastName: last, team }));
    }
    browser = await launch();
    ({ context, external } = await offlineContext(browser));
    page = await context.newPage();
    await page.goto(`${server.url}/board?show=${showId}`);
    await waitForText('#conn', 'Live');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('shows the queue with first names and last initials only', async () => {
    await waitForText('#waiting', 'Ada L.');
    expect(await text('#show-name')).toMatch(/fan fest main stage/i);
    expect(await text('#playing')).toContain('Ben W.');
    expect(await text('#confirmed')).toContain('Cleo N.');
    const body = await page.locator('body').innerText();
    expect(body).not.toContain('Lovelace');
    expect(body).not.toContain('Walker');
  });

  it('shows a newly queued player within 2 s of the mutation', async () => {
    const gameId = await signUpGame(server, showId, 'Zoe', { lastName: 'Quinn', team: 'Bombers' });
    await move(server, 'queueGame', gameId, 'TABLET');
    const started = Date.now();
    await waitForText('#waiting', 'Zoe Q.', true, 2000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await text('#waiting')).toMatch(/5\s*Zoe Q\./);
  });

  it('reflects a completion: the batter leaves Now playing and the team scores update', async () => {
    const [row] = await server.app.context.database.db.query.games.findMany({
      where: (g, { eq }) => eq(g.state, 'PLAYING'),
    });
    await move(
      server,
      'completeGame',
      String(row!.id),
      'VR_GAME',
      ', result: { score: 2000, distance: 3100, homeruns: 9 }',
    );
    await waitForText('#playing', 'Ben W.', false, 2000);
    await waitForText('#teams', 'Bombers', true, 3000);
    expect(await text('#teams')).toContain('2,000');
    mkdirSync('test/artifacts', { recursive: true });
    // Back to a busy board for the picture: someone at bat, a recall ticking down.
    await move(
      server,
      'playGame',
      (
        await server.app.context.database.db.query.games.findMany({ where: (g, { eq }) => eq(g.state, 'CONFIRMED') })
      )[0]!.id.toString(),
      'VR_GAME',
    );
    const waiting = await server.app.context.database.db.query.games.findMany({
      where: (g, { eq }) => eq(g.state, 'QUEUED'),
      orderBy: (g, { asc }) => [asc(g.queuedAt)],
    });
    await move(server, 'recallGame', String(waiting[0]!.id), 'TABLET');
    await waitForText('#recalled', 'min left');
    await page.waitForTimeout(600); // let the newcomers' highlight settle
    await page.screenshot({ path: 'test/artifacts/board.png' });
  });

  it('shows "Reconnecting" when the socket drops and recovers by itself', async () => {
    for (const client of server.app.http!.wss.clients) client.terminate();
    await page.waitForSelector('#offline:not([hidden])', { timeout: 3000 });
    expect(await text('#conn')).toMatch(/reconnecting/i);
    await waitForText('#conn', 'Live', true, 8000);
    expect(await page.locator('#offline').isHidden()).toBe(true);
    // Still live after the reconnect.
    const gameId = await signUpGame(server, showId, 'Yuki', { lastName: 'Sato' });
    await move(server, 'queueGame', gameId, 'TABLET');
    await waitForText('#waiting', 'Yuki S.', true, 2000);
  });

  it('made no request off this machine', () => {
    expect(external).toEqual([]);
  });
});
