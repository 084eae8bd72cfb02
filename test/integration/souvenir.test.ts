// Souvenirs: the card itself (decoded pixels), the job end to end through the real mutations,
// storage on disk and in an S3-compatible server through the real SDK, short links and Bitly.
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { shortLinks, uploads } from '../../src/db/schema.js';
import type { CardData } from '../../src/souvenir/card.js';
import { preparePhoto } from '../../src/souvenir/photo.js';
import { renderCard, renderSouvenir } from '../../src/souvenir/render.js';
import { startBitlyFake } from '../fakes/bitly.fake.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { startS3Fake } from '../fakes/s3.fake.js';
import { driveTo, seedShow, signUpPlayer } from '../helpers/api.js';
import { useTestServer, type TestServer } from '../helpers/server.js';

const BASE = 'https://mlb.example.test';
const CARD: CardData = {
  firstName: 'Casey',
  lastName: 'Jones',
  score: 1234,
  homeruns: 7,
  distance: 412,
  distanceUnit: 'ft',
  teamName: 'Blue Jays',
  teamColor: '#134A8E',
  showName: 'Derby',
  playedOn: 'Nov 29, 2026',
  sponsorLine: null,
};

async function samplePhoto(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><rect width="1200" height="900" fill="#d44"/><circle cx="600" cy="380" r="260" fill="#fc9"/><rect x="300" y="640" width="600" height="260" fill="#246"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg().toBuffer();
}

async function pixels(png: Buffer) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, info };
}

function differingPixels(a: Buffer, b: Buffer, channels: number): number {
  let n = 0;
  for (let i = 0; i < a.length; i += channels) if (a[i] !== b[i] || a[i + 1] !== b[i + 1] || a[i + 2] !== b[i + 2]) n++;
  return n;
}

describe('souvenir card', () => {
  it('is a 1080×1080 PNG whose pixels change with the score and with the team colour', async () => {
    const photo = await preparePhoto(await samplePhoto());
    const square = (data: CardData, p: Buffer | null = photo) => renderCard(data, 'square', p, null);
    const base = await square(CARD);
    const { data, info } = await pixels(base.png);
    expect([info.width, info.height]).toEqual([1080, 1080]);
    expect((await sharp(base.png).metadata()).format).toBe('png');

    const otherScore = await pixels((await square({ ...CARD, score: 98_765 })).png);
    const otherColour = await pixels((await square({ ...CARD, teamColor: '#C41E3A' })).png);
    const again = await pixels((await square(CARD)).png);
    expect(differingPixels(data, again.data, info.channels)).toBe(0);
    expect(differingPixels(data, otherScore.data, info.channels)).toBeGreaterThan(500);
    // The frame and the band follow the team colour; the photo keeps its own colours.
    expect(differingPixels(data, otherColour.data, info.channels)).toBeGreaterThan(1080 * 1080 * 0.1);

    // Without a photo the designed field is drawn in the team's colours.
    const plainBlue = await pixels((await square(CARD, null)).png);
    const plainRed = await pixels((await square({ ...CARD, teamColor: '#C41E3A' }, null)).png);
    expect(differingPixels(plainBlue.data, plainRed.data, info.channels)).toBeGreaterThan(50_000);
    expect(differingPixels(plainBlue.data, data, info.channels)).toBeGreaterThan(100_000);
  });

  it.each<[string, Partial<CardData>]>([
    [
      'a very long name',
      {
        firstName: 'Maximiliano-Alejandro Bartholomew Fitzgerald',
        lastName: 'Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh',
      },
    ],
    ['no last name', { lastName: null }],
    ['zero results', { score: 0, homeruns: 0, distance: 0 }],
    ['six-digit score and big numbers', { score: 999_999, homeruns: 123, distance: 1_000_000 }],
    ['no team and a colour that is not hex', { teamName: null, teamColor: 'chartreuse' }],
    ['accented names', { firstName: 'Łukasz', lastName: 'Żółkiewski-Nguyễn' }],
    ['no show name, date or sponsor', { showName: null, playedOn: null, sponsorLine: null }],
  ])('lays out %s in both sizes', async (_name, change) => {
    const { square, story } = await renderSouvenir({ ...CARD, ...change }, null, null);
    expect([(await sharp(square.png).metadata()).height, (await sharp(story.png).metadata()).height]).toEqual([
      1080, 1920,
    ]);
    expect(square.timings.totalMs).toBeGreaterThan(0);
  });

  it('cuts a name too long for two lines with an ellipsis instead of overflowing', async () => {
    const { layout } = await renderCard(
      { ...CARD, firstName: 'X'.repeat(64), lastName: 'Y'.repeat(64) },
      'square',
      null,
      null,
    );
    expect(layout.name.text.lines.join('')).toContain('…');
    expect((await renderCard(CARD, 'square', null, null)).layout.name.text.lines.join('')).not.toContain('…');
  });
});

async function completeThroughApi(
  server: TestServer,
  input: Record<string, unknown>,
  result = { score: 4321, distance: 388, homeruns: 5 },
) {
  const { playerId, gameId } = await signUpPlayer(server, input);
  await driveTo(server, gameId, 'PLAYING');
  const r = await server.gql(
    `mutation($id: ID!, $r: GameResultInput!) { completeGame(id: $id, result: $r) { id state } }`,
    { id: String(gameId), r: result },
    await server.token('VR_GAME'),
  );
  expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
  return { playerId, gameId };
}

const souvenirMessages = (server: TestServer, gameId: number) =>
  fixtures(server.app.context.database.db).souvenirTexts(gameId);

describe('souvenir job with disk storage and built-in short links', async () => {
  const server = await useTestServer({ env: { PUBLIC_BASE_URL: BASE } });
  await seedShow(server, { souvenirMessage: 'Great swings, {firstName}! Your souvenir: {url}' });
  const path = (url: string) => `${server.url}${new URL(url).pathname}`;

  it('renders, stores, records the URL and texts a short link that redirects to it, once', async () => {
    const { gameId } = await completeThroughApi(server, {
      firstName: 'Dana',
      lastName: 'Reyes',
      mobileNumber: '+14155552671',
    });
    const game = await waitFor(
      async () =>
        (await fixtures(server.app.context.database.db).gameRow(gameId)).souvenirUrl
          ? fixtures(server.app.context.database.db).gameRow(gameId)
          : undefined,
      20_000,
      'souvenir url',
    );
    expect(game.souvenirUrl).toMatch(new RegExp(`^${BASE}/media/souvenirs/[A-Za-z0-9_-]{22}\\.png$`));

    const media = await fetch(path(game.souvenirUrl!));
    expect(media.status).toBe(200);
    expect(media.headers.get('content-type')).toBe('image/png');
    expect(media.headers.get('cache-control')).toContain('immutable');
    const meta = await sharp(Buffer.from(await media.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([1080, 1080]);

    const [msg] = await waitFor(
      async () => {
        const m = await souvenirMessages(server, gameId);
        return m.length ? m : undefined;
      },
      10_000,
      'souvenir message',
    );
    expect(msg!.dedupeKey).toBe(`souvenir:${gameId}`);
    const link = /https:\/\/mlb\.example\.test\/s\/([A-Za-z0-9_-]{8,})/.exec(msg!.body);
    expect(msg!.body).toMatch(/^Great swings, Dana! Your souvenir: https:\/\//);
    expect(link).not.toBeNull();
    const redirect = await fetch(`${server.url}/s/${link![1]}`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe(game.souvenirUrl);
    const [row] = await server.app.context.database.db.select().from(shortLinks).where(eq(shortLinks.code, link![1]!));
    expect(row!.hits).toBe(1);

    // The job again (a retry): the stored souvenir is reused and no second text is queued.
    await server.app.context.boss.send('souvenir', { gameId, notify: true });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await fixtures(server.app.context.database.db).gameRow(gameId)).souvenirUrl).toBe(game.souvenirUrl);
    expect(await souvenirMessages(server, gameId)).toHaveLength(1);

    // regenerateSouvenir renders a new card and texts nobody.
    const staff = await server.token('STAFF');
    const regen = await server.gql(
      `mutation($id: ID!) { regenerateSouvenir(gameId: $id) { id } }`,
      { id: String(gameId) },
      staff,
    );
    expect(regen.errors).toBeUndefined();
    const fresh = await waitFor(
      async () => {
        const g = await fixtures(server.app.context.database.db).gameRow(gameId);
        return g.souvenirUrl !== game.souvenirUrl ? g : undefined;
      },
      20_000,
      'regenerated souvenir',
    );
    expect((await fetch(path(fresh.souvenirUrl!))).status).toBe(200);
    expect(await souvenirMessages(server, gameId)).toHaveLength(1);
  });

  it('renders a souvenir for a player without a mobile number and texts nobody', async () => {
    const { gameId } = await completeThroughApi(server, { firstName: 'Sam' });
    await waitFor(
      async () => (await fixtures(server.app.context.database.db).gameRow(gameId)).souvenirUrl,
      20_000,
      'souvenir url',
    );
    expect(await souvenirMessages(server, gameId)).toHaveLength(0);
  });

  it('answers 404 for an unknown short code', async () => {
    expect((await fetch(`${server.url}/s/AAAAAAAAAAA`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${server.url}/s/..%2F..`, { redirect: 'manual' })).status).toBe(404);
    expect((await fetch(`${server.url}/media/souvenirs/nothing-here.png`)).status).toBe(404);
    expect((await fetch(`${server.url}/media/..%2F..%2Fsecret_key`)).status).toBe(404);
  });

  it('serves a preview to staff only', async () => {
    const { gameId } = await completeThroughApi(server, { firstName: 'Pat' });
    const url = `${server.url}/games/${gameId}/souvenir.png`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${await server.token('TABLET')}` } })).status).toBe(
      403,
    );
    const ok = await fetch(url, { headers: { authorization: `Bearer ${await server.token('STAFF')}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('server-timing')).toMatch(/satori;dur=/);
    expect((await sharp(Buffer.from(await ok.arrayBuffer())).metadata()).width).toBe(1080);
    expect(
      (
        await fetch(`${server.url}/games/999999/souvenir.png`, {
          headers: { authorization: `Bearer ${await server.token('ADMIN')}` },
        })
      ).status,
    ).toBe(404);
  });
});

describe('souvenir job with S3 storage and Bitly', async () => {
  const s3 = await startS3Fake();
  const bitly = await startBitlyFake();
  afterAll(async () => {
    await bitly.close();
    await s3.close();
  });
  const server = await useTestServer({
    env: { PUBLIC_BASE_URL: BASE, ...s3.env, BITLY_TOKEN: bitly.token, BITLY_API_URL: bitly.url },
  });
  await seedShow(server);
  /** The request to Bitly for the built-in link to `souvenirUrl`. */
  const bitlyRequestFor = async (souvenirUrl: string) => {
    const links = await server.app.context.database.db.select().from(shortLinks).where(eq(shortLinks.url, souvenirUrl));
    const longUrls = links.map((l) => `${BASE}/s/${l.code}`);
    return bitly.requests.find((r) => longUrls.includes(r.longUrl));
  };

  it('stores the card in the bucket and texts a Bitly link', async () => {
    const { gameId } = await completeThroughApi(server, { firstName: 'Lee', mobileNumber: '+14155552672' });
    const game = await waitFor(
      async () => {
        const g = await fixtures(server.app.context.database.db).gameRow(gameId);
        // Kept on local disk first (served at /media), then uploaded by its own job.
        const [upload] = await server.app.context.database.db
          .select({ status: uploads.status })
          .from(uploads)
          .where(eq(uploads.gameId, gameId));
        return g.souvenirUrl && upload?.status === 'uploaded' ? g : undefined;
      },
      20_000,
      'souvenir uploaded to S3',
    );
    // The bucket stays private: the link is the server's /media/<key>, which reads the object from S3.
    expect(game.souvenirUrl).toBe(`${BASE}/media/${game.souvenirKey}`);
    const served = await fetch(`${server.url}/media/${game.souvenirKey}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).format).toBe('png');
    expect((await fetch(`${server.url}/media/souvenirs/no-such-card.png`)).status).toBe(404);

    const client = s3.client();
    const object = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: game.souvenirKey! }));
    expect(object.ContentType).toBe('image/png');
    const bytes = Buffer.from(await object.Body!.transformToByteArray());
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 1080, 1080]);
    client.destroy();

    const [msg] = await waitFor(
      async () => {
        const m = await souvenirMessages(server, gameId);
        return m.length ? m : undefined;
      },
      10_000,
      'souvenir message',
    );
    // Bitly shortens the built-in link (the share page), which leads to the souvenir.
    const shortened = await bitlyRequestFor(game.souvenirUrl!);
    expect(shortened?.status).toBe(200);
    expect(msg!.body).toContain(shortened!.link!);
    const page = await fetch(`${server.url}${new URL(shortened!.longUrl).pathname}`, {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`<meta property="og:image" content="${game.souvenirUrl}">`);
  });

  it('falls back to a built-in link when Bitly fails', async () => {
    bitly.failNext(1, 503);
    const { gameId } = await completeThroughApi(server, { firstName: 'Kim', mobileNumber: '+14155552673' });
    const [msg] = await waitFor(
      async () => {
        const m = await souvenirMessages(server, gameId);
        return m.length ? m : undefined;
      },
      20_000,
      'souvenir message',
    );
    const game = await fixtures(server.app.context.database.db).gameRow(gameId);
    expect((await bitlyRequestFor(game.souvenirUrl!))?.status).toBe(503);
    const code = /https:\/\/mlb\.example\.test\/s\/([A-Za-z0-9_-]{8,})/.exec(msg!.body)?.[1];
    expect(code).toBeDefined();
    const redirect = await fetch(`${server.url}/s/${code}`, { redirect: 'manual' });
    expect(redirect.headers.get('location')).toBe(game.souvenirUrl);
  });
});
