// The personal status page's API: found by the game's unguessable token, anonymous, live over
// WebSocket, leaving by token; and the page itself (/p/<token>), with a friendly 404.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { games } from '../../src/db/schema.js';
import { useTestServer } from '../helpers/server.js';
import { connectWs, createShow, move, signUpGame, subscribe } from '../helpers/ws.js';

const server = await useTestServer({ env: { RECALL_DISABLE: 'true' } });
const db = server.app.context.database.db;
const showId = await createShow(server, 'Status Show', '2031-09-01');
const FIELDS = 'firstName showName state position estimatedWaitSeconds recalledAt respondBy cancelReason';
const STATUS = `query($t: String!) { playerStatus(token: $t) { ${FIELDS} } }`;
const LEAVE = `mutation($t: String!) { leaveQueue(token: $t) { ${FIELDS} } }`;
const tokenOf = async (gameId: string) =>
  (
    await db
      .select({ token: games.token })
      .from(games)
      .where(eq(games.id, Number(gameId)))
  )[0]!.token;

describe('the status page API', () => {
  it('gives each game its own unguessable token', async () => {
    const a = await tokenOf(await signUpGame(server, showId, 'Ann'));
    const b = await tokenOf(await signUpGame(server, showId, 'Bob'));
    for (const t of [a, b]) expect(t).toMatch(/^[A-Za-z0-9_-]{27}$/);
    expect(a).not.toBe(b);
  });

  it("shows anyone with the token that game's public view only, and null for an unknown token", async () => {
    const first = await signUpGame(server, showId, 'Cy', { mobileNumber: '+14155550101' });
    await move(server, 'queueGame', first);
    const gameId = await signUpGame(server, showId, 'Di', { mobileNumber: '+14155550102', lastName: 'Secret' });
    const token = await tokenOf(gameId);
    const r = await server.gql(STATUS, { t: token });
    expect(r.errors).toBeUndefined();
    // Not queued yet: the place it would take now, behind Cy; one typical 4-minute game ahead.
    expect(r.data.playerStatus).toEqual({
      firstName: 'Di',
      showName: 'Status Show',
      state: 'NEW',
      position: 2,
      estimatedWaitSeconds: 240,
      recalledAt: null,
      respondBy: null,
      cancelReason: null,
    });
    expect(JSON.stringify(r.data)).not.toMatch(/Secret|0102/);
    expect((await server.gql(STATUS, { t: 'A'.repeat(27) })).data.playerStatus).toBeNull();
    expect((await server.gql(STATUS, { t: 'not a token' })).data.playerStatus).toBeNull();
  });

  it('follows the game live by token and leaves the line by token', async () => {
    const gameId = await signUpGame(server, showId, 'Ed');
    const token = await tokenOf(gameId);
    await move(server, 'queueGame', gameId);
    const ws = connectWs(server.url);
    const sub = subscribe(ws, `subscription($t: String!) { playerStatusChanged(token: $t) { ${FIELDS} } }`, {
      t: token,
    });
    const queued = await sub.until((m) => m.playerStatusChanged.state === 'QUEUED');
    expect(queued.playerStatusChanged.position).toBeGreaterThanOrEqual(1);
    await move(server, 'recallGame', gameId, 'TABLET');
    const recalled = await sub.until((m) => m.playerStatusChanged.state === 'RECALLED');
    const { recalledAt, respondBy } = recalled.playerStatusChanged;
    expect(new Date(respondBy).getTime() - new Date(recalledAt).getTime()).toBe(30 * 60_000);

    const left = await server.gql(LEAVE, { t: token });
    expect(left.errors).toBeUndefined();
    expect(left.data.leaveQueue).toMatchObject({ state: 'CANCELLED', cancelReason: 'PLAYER_LEFT' });
    await sub.until((m) => m.playerStatusChanged.state === 'CANCELLED');
    // Pressed again (a page reloaded on flaky Wi-Fi): the same answer, nothing recorded twice.
    const again = await server.gql(LEAVE, { t: token });
    expect(again.data.leaveQueue).toMatchObject({ state: 'CANCELLED', cancelReason: 'PLAYER_LEFT' });
    const unknown = await server.gql(LEAVE, { t: 'B'.repeat(27) });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const bad = subscribe(ws, `subscription($t: String!) { playerStatusChanged(token: $t) { state } }`, {
      t: 'C'.repeat(27),
    });
    expect(JSON.stringify(await bad.error())).toMatch(/No game has this link/);
    sub.stop();
    await ws.dispose();
  });

  it('serves the page for a known token and a friendly 404 page for an unknown one', async () => {
    const token = await tokenOf(await signUpGame(server, showId, 'Flo'));
    const page = await fetch(`${server.url}/p/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('/status/status.js');
    const missing = await fetch(`${server.url}/p/${'D'.repeat(27)}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/couldn't find this link/);
    expect((await fetch(`${server.url}/status/status.js`)).status).toBe(200);
  });
});
