// An hour without internet. Twilio and S3 (local fakes, through the real SDKs) sit behind links
// that go dark — connection refused, then timeouts, then 503 — while the venue keeps signing up,
// recalling and playing; the server's clock jumps an hour in the middle (the recall window is
// 20 minutes), and the retry settings are short so the outage lasts seconds. When the links come
// back: every text that still matters and every souvenir is delivered exactly once, in order per
// player; stale texts are skipped with the reason; the dead providers got one request per backoff
// step, not one per queued message; staff saw the backlog throughout.
import { eq } from 'drizzle-orm';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, expect, it } from 'vitest';
import { games, messages, shortLinks, uploads } from '../../src/db/schema.js';
import { waitFor } from '../helpers/fixtures.js';
import { startLink, type LinkMode } from '../fakes/outage.js';
import { startS3Fake } from '../fakes/s3.fake.js';
import { startTwilioFake, twilioEnv } from '../fakes/twilio.fake.js';
import { act, seedShow, signUpPlayer } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';

const twilioFake = await startTwilioFake();
const s3Fake = await startS3Fake();
const twilioLink = await startLink(twilioFake.url);
const s3Link = await startLink(s3Fake.endpoint);
afterAll(async () => {
  await twilioLink.close();
  await s3Link.close();
  await twilioFake.close();
  await s3Fake.close();
});
let clockOffset = 0;
const server = await useTestServer({
  now: () => new Date(Date.now() + clockOffset),
  env: {
    ...twilioEnv(twilioFake),
    TWILIO_API_URL: twilioLink.url,
    ...s3Fake.env,
    S3_ENDPOINT: s3Link.url,
    // Client timeout 1 s, lease 6 s; the breaker's steps 1 s, 2 s, 2 s, …
    JOB_EXPIRE_SECONDS: '3',
    JOB_MONITOR_SECONDS: '1',
    JOB_RETRY_DELAY_MAX_SECONDS: '2',
    RECALL_WINDOW_MINUTES: '20',
    // Recalls only by hand here, so every recall text is one the test made.
    RECALL_WINDOW_SIZE: '0',
    RECALL_INTERVAL_SECONDS: '3600',
  },
});
const db = server.app.context.database.db;

const STATUS = `{ deliveryStatus { pendingMessages pendingUploads oldestPendingAgeSeconds skippedMessages
  providers { provider up since failures lastError } } }`;

async function deliveryStatus() {
  const r = await server.gql(STATUS, {}, await server.token('STAFF'));
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return r.data.deliveryStatus;
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${server.app.http!.metricsUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function goDark(mode: LinkMode) {
  await twilioLink.set(mode);
  await s3Link.set(mode);
}

it('an hour offline: nothing that matters is lost, nothing is sent twice, stale texts are skipped', async () => {
  const show = await seedShow(server);
  const ok = async (action: string, gameId: number) => {
    const r = await act(server, action, gameId);
    expect(r.errors, `${action}: ${JSON.stringify(r.errors)}`).toBeUndefined();
  };
  const players: Record<string, { playerId: number; gameId: number; to: string }> = {};
  const signUp = async (name: string, i: number) => {
    const to = `+120255501${String(10 + i).padStart(2, '0')}`;
    const { playerId, gameId } = await signUpPlayer(server, {
      firstName: name,
      mobileNumber: to,
      showId: String(show.id),
    });
    players[name] = { playerId, gameId, to };
  };

  const outageStarted = Date.now();
  await goDark('refuse');
  const names = ['Ada', 'Bea', 'Cy', 'Dot', 'Eve', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo', 'Kit', 'Lu'];
  for (const [i, name] of names.entries()) await signUp(name, i);
  for (const name of ['Ada', 'Bea', 'Cy', 'Dot', 'Eve']) await ok('queue', players[name]!.gameId);
  for (const name of ['Ada', 'Bea', 'Cy', 'Dot']) await ok('recall', players[name]!.gameId);
  await sleep(3000);

  await goDark('hang');
  await ok('confirm', players.Ada!.gameId);
  await ok('cancel', players.Bea!.gameId);
  for (const action of ['confirm', 'play', 'complete']) await ok(action, players.Cy!.gameId);
  await sleep(4000);
  const during = await deliveryStatus();
  expect(during.pendingMessages).toBeGreaterThanOrEqual(12);
  const twilioDuring = during.providers.find((p: { provider: string }) => p.provider === 'TWILIO');
  expect(twilioDuring).toMatchObject({ up: false });
  expect(twilioDuring.lastError).toBeTruthy();
  expect(new Date(twilioDuring.since).getTime()).toBeGreaterThanOrEqual(outageStarted - 1000);
  const ready = await (await fetch(`${server.url}/readyz`)).json();
  expect(ready.status).toBe('ready');
  expect(ready.deliveries.pendingMessages).toBeGreaterThanOrEqual(12);
  expect(await metric('mlb_delivery_provider_up', 'provider="twilio"')).toBe(0);
  expect(await metric('mlb_delivery_pending', 'what="messages"')).toBeGreaterThanOrEqual(12);

  // An hour passes: Dot's recall is now older than its 20-minute window.
  clockOffset += 60 * 60_000;
  await goDark('unavailable');
  await ok('recall', players.Eve!.gameId);
  for (const action of ['confirm', 'play', 'complete']) await ok(action, players.Fay!.gameId);
  await waitFor(async () => (await deliveryStatus()).pendingUploads === 2, 15_000, 'two souvenirs kept locally');
  await sleep(4000);
  const queuedDuringOutage = (await db.select().from(messages)).length;
  const uploadsDuring = await deliveryStatus();
  expect(uploadsDuring.pendingUploads).toBe(2);
  expect(uploadsDuring.providers.find((p: { provider: string }) => p.provider === 'S3')).toMatchObject({ up: false });
  const outageSeconds = (Date.now() - outageStarted) / 1000;
  const twilioTransient = await metric('mlb_delivery_provider_requests_total', 'provider="twilio",outcome="transient"');
  const s3Transient = await metric('mlb_delivery_provider_requests_total', 'provider="s3",outcome="transient"');
  const reachedLink = { twilio: { ...twilioLink.requests }, s3: { ...s3Link.requests } };

  await goDark('up');
  await waitFor(
    async () => {
      const s = await deliveryStatus();
      return (
        s.pendingMessages === 0 &&
        s.pendingUploads === 0 &&
        (await db.select().from(messages)).length === queuedDuringOutage + 2
      );
    },
    40_000,
    'the backlog drained',
  );
  await waitFor(async () => (await deliveryStatus()).pendingMessages === 0, 20_000, 'souvenir texts sent');

  // What was sent and what was skipped, per player.
  const rows = await db.select().from(messages).orderBy(messages.id);
  const of = (name: string) => rows.filter((m) => m.playerId === players[name]!.playerId);
  const summary = (name: string) => of(name).map((m) => `${m.kind}:${m.status}`);
  expect(summary('Ada')).toEqual(['welcome:sent', 'recall:skipped']);
  expect(summary('Bea')).toEqual(['welcome:sent', 'recall:skipped']);
  expect(summary('Cy')).toEqual(['welcome:skipped', 'recall:skipped', 'souvenir:sent']);
  expect(summary('Dot')).toEqual(['welcome:sent', 'recall:skipped']);
  expect(summary('Eve')).toEqual(['welcome:sent', 'recall:sent']);
  expect(summary('Fay')).toEqual(['welcome:skipped', 'souvenir:sent']);
  for (const name of names.slice(6)) expect(summary(name)).toEqual(['welcome:sent']);
  const reasons = rows.filter((m) => m.status === 'skipped').map((m) => m.error);
  expect(reasons.every((r) => r?.startsWith('stale: '))).toBe(true);
  expect(of('Ada')[1]!.error).toBe('stale: the game is CONFIRMED since the recall');
  expect(of('Bea')[1]!.error).toBe('stale: the game is CANCELLED since the recall');
  expect(of('Dot')[1]!.error).toBe('stale: the recall is older than its window');
  expect(of('Fay')[0]!.error).toBe('stale: the player has already played');

  // Exactly once, and in order per player: what Twilio accepted matches the sent rows, oldest first.
  for (const name of names) {
    const sent = of(name).filter((m) => m.status === 'sent');
    const accepted = twilioFake.accepted(players[name]!.to);
    expect(accepted.map((a) => a.sid)).toEqual(sent.map((m) => m.providerId));
    expect(accepted.map((a) => a.body)).toEqual(sent.map((m) => m.body));
  }
  // Souvenirs: in S3, linked from the game, and the text's short link leads there.
  for (const name of ['Cy', 'Fay']) {
    const [game] = await db.select().from(games).where(eq(games.id, players[name]!.gameId));
    // The bucket stays private: the link is this server's /media/<key>.
    expect(game!.souvenirUrl).toMatch(new RegExp(`/media/${game!.souvenirKey}$`));
    const s3 = s3Fake.client();
    const object = await s3.send(new GetObjectCommand({ Bucket: s3Fake.bucket, Key: game!.souvenirKey! }));
    expect(object.ContentType).toBe('image/png');
    s3.destroy();
    const text = of(name).find((m) => m.kind === 'souvenir')!;
    const code = text.body.match(/\/s\/([A-Za-z0-9_-]+)/)![1]!;
    const [link] = await db.select().from(shortLinks).where(eq(shortLinks.code, code));
    expect(link!.url).toBe(game!.souvenirUrl);
  }
  expect((await db.select().from(uploads)).map((u) => u.status)).toEqual(['uploaded', 'uploaded']);

  // Requests to the dead providers: at most one per backoff step (each at least 1 s), however many
  // messages waited, plus what was in flight when each went down.
  expect(twilioTransient).toBeGreaterThan(0);
  expect(twilioTransient).toBeLessThanOrEqual(Math.ceil(outageSeconds) + 3);
  expect(twilioTransient).toBeLessThan(queuedDuringOutage);
  expect(s3Transient).toBeLessThanOrEqual(Math.ceil(outageSeconds) + 3);
  expect(reachedLink.twilio.hang + reachedLink.twilio.unavailable).toBeLessThanOrEqual(twilioTransient);

  const after = await deliveryStatus();
  expect(after).toMatchObject({
    pendingMessages: 0,
    pendingUploads: 0,
    oldestPendingAgeSeconds: 0,
    skippedMessages: 6,
  });
  expect(after.providers.every((p: { up: boolean }) => p.up)).toBe(true);
  expect(await metric('mlb_delivery_provider_up', 'provider="twilio"')).toBe(1);

  const sentRows = rows.filter((m) => m.status === 'sent');
  console.log(
    JSON.stringify({
      outageSeconds: Math.round(outageSeconds),
      queuedDuringOutage,
      deliveredAfter: sentRows.length,
      skippedStale: reasons.length,
      twilioRequestsWhileDown: twilioTransient,
      s3RequestsWhileDown: s3Transient,
      reachedLink,
      sendAttempts: sentRows.reduce((n, m) => n + m.attempts, 0),
    }),
  );
}, 120_000);
