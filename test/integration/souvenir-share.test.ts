// A show's branding (logo upload, sponsor line, distance unit, time zone), the share page behind
// the short link with its counters, and a regenerated souvenir replacing its files, both sizes,
// on local disk and in S3 (the S3 fake, through the real SDK).
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { shortLinks, shows, uploads } from '../../src/db/schema.js';
import { storyKeyOf } from '../../src/domain/souvenir.js';
import { startS3Fake } from '../fakes/s3.fake.js';
import { driveTo, seedShow, signUpPlayer } from '../helpers/api.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

const BASE = 'https://mlb.example.test';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-share-'));
const s3 = await startS3Fake();
afterAll(async () => {
  await s3.close();
  rmSync(dataDir, { recursive: true, force: true });
});
const server = await useTestServer({ env: { PUBLIC_BASE_URL: BASE, DATA_DIR: dataDir, ...s3.env } });
const db = server.app.context.database.db;
const show = await seedShow(server, { name: 'Fenway Derby' });
const client = s3.client();
afterAll(() => client.destroy());

const inBucket = async (key: string) =>
  client
    .send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }))
    .then(() => true)
    .catch(() => false);
const onDisk = (key: string) => existsSync(path.join(dataDir, 'media', key));
const logosOnDisk = () =>
  existsSync(path.join(dataDir, 'media', 'logos')) ? readdirSync(path.join(dataDir, 'media', 'logos')).length : 0;

async function putLogo(body: Buffer | string, role: 'ADMIN' | 'TABLET' = 'ADMIN', showId = show.id) {
  const res = await fetch(`${server.url}/shows/${showId}/logo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await server.token(role)}`, 'content-type': 'application/octet-stream' },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const json = (await res.json()) as {
    logoUrl?: string;
    errors?: Array<{ message: string; extensions: { code: string } }>;
  };
  return { status: res.status, json, code: json.errors?.[0]?.extensions.code, message: json.errors?.[0]?.message };
}
const logoKey = async () => (await db.select({ key: shows.logoKey }).from(shows).where(eq(shows.id, show.id)))[0]!.key;

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="160"><rect width="400" height="160" rx="24" fill="#002d72"/><circle cx="80" cy="80" r="50" fill="#fff"/></svg>`;

describe('a show logo', () => {
  it.each<[string, string]>([
    ['a script element', LOGO.replace('</svg>', '<script>alert(1)</script></svg>')],
    ['an event handler', LOGO.replace('<rect', '<rect onload="alert(1)"')],
    [
      'an outside image',
      LOGO.replace('</svg>', '<image href="https://evil.example/x.png" width="10" height="10"/></svg>'),
    ],
    ['an outside style sheet', LOGO.replace('</svg>', '<style>@import url(https://evil.example/a.css);</style></svg>')],
    ['HTML inside', LOGO.replace('</svg>', '<foreignObject><div>hi</div></foreignObject></svg>')],
    ['entities', `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>${LOGO}`],
    ['text that is no image', 'hello, this is not a logo'],
    ['a JPEG', '\xff\xd8\xff\xe0 not really'],
  ])('refuses an SVG or file with %s, with a reason, and stores nothing', async (_name, body) => {
    const before = logosOnDisk();
    const r = await putLogo(body);
    expect([r.status, r.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    expect(r.message).toMatch(/logo|PNG or an SVG/);
    expect(logosOnDisk()).toBe(before);
    expect(await logoKey()).toBeNull();
  });

  it('refuses a logo over 1 MiB (413) and a caller who is not ADMIN (403)', async () => {
    const big = await putLogo(
      Buffer.concat([await sharp(Buffer.from(LOGO)).png().toBuffer(), Buffer.alloc(1024 * 1024)]),
    );
    expect([big.status, big.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const tablet = await putLogo(LOGO, 'TABLET');
    expect([tablet.status, tablet.code]).toEqual([403, 'FORBIDDEN']);
    expect(logosOnDisk()).toBe(0);
    expect(await logoKey()).toBeNull();
  });

  it('stores a clean SVG drawn as a PNG, and a new logo replaces the old file', async () => {
    const first = await putLogo(LOGO);
    expect(first.status).toBe(200);
    expect(first.json.logoUrl).toMatch(new RegExp(`^${BASE}/media/logos/[A-Za-z0-9_-]{22}\\.png$`));
    const key1 = (await logoKey())!;
    const served = await fetch(`${server.url}/media/${key1}`);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).format).toBe('png');
    const png = await sharp(Buffer.from(LOGO)).png().toBuffer();
    const second = await putLogo(png);
    expect(second.status).toBe(200);
    const key2 = (await logoKey())!;
    expect(key2).not.toBe(key1);
    expect(await inBucket(key1)).toBe(false);
    expect(await inBucket(key2)).toBe(true);
    const read = await server.gql(`query { shows { id logoUrl distanceUnit timeZone sponsorLine } }`);
    expect(read.data.shows.find((s: { id: string }) => s.id === String(show.id))).toEqual({
      id: String(show.id),
      logoUrl: `${BASE}/media/${key2}`,
      distanceUnit: 'ft',
      timeZone: null,
      sponsorLine: null,
    });
  });

  it('is removed with DELETE, file and all', async () => {
    const key = (await logoKey())!;
    const res = await fetch(`${server.url}/shows/${show.id}/logo`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await server.token('ADMIN')}` },
    });
    expect([res.status, ((await res.json()) as { logoUrl: unknown }).logoUrl]).toEqual([200, null]);
    expect(await logoKey()).toBeNull();
    expect(await inBucket(key)).toBe(false);
  });
});

describe('show settings for the souvenir', () => {
  const UPDATE = `mutation($id: ID!, $input: ShowInput!) { updateShow(id: $id, input: $input) { distanceUnit timeZone sponsorLine } }`;
  const input = (extra: Record<string, unknown>) => ({
    name: 'Fenway Derby',
    date: show.date,
    welcomeMessage: 'Welcome {firstName}!',
    recallMessage: 'Hi {firstName}, come back now!',
    souvenirMessage: 'Your souvenir: {url}',
    ...extra,
  });

  it('takes a distance unit, a time zone and a sponsor line, and refuses bad ones', async () => {
    const admin = await server.token('ADMIN');
    const bad = await server.gql(
      UPDATE,
      {
        id: String(show.id),
        input: input({ distanceUnit: 'yards', timeZone: 'Mars/Olympus', sponsorLine: 'x'.repeat(61) }),
      },
      admin,
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(bad.errors![0]!.extensions!.fields).sort()).toEqual(['distanceUnit', 'sponsorLine', 'timeZone']);
    const ok = await server.gql(
      UPDATE,
      {
        id: String(show.id),
        input: input({ distanceUnit: 'm', timeZone: 'America/New_York', sponsorLine: ' Presented by  Acme ' }),
      },
      admin,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data.updateShow).toEqual({
      distanceUnit: 'm',
      timeZone: 'America/New_York',
      sponsorLine: 'Presented by Acme',
    });
  });
});

describe('the share page, its counters, and a regenerated souvenir', () => {
  let gameId: number;
  let code: string;
  let firstKey: string;

  it('texts a link whose page shows the card, with preview tags, inside a CSP', async () => {
    const { playerId, gameId: id } = await signUpPlayer(server, { firstName: 'Dana', mobileNumber: '+14155552671' });
    gameId = id;
    await fixtures(db).player({ firstName: 'x' }); // another player, so ids differ from counts
    await driveTo(server, gameId, 'PLAYING');
    const done = await server.gql(
      `mutation($id: ID!) { completeGame(id: $id, result: { score: 4321, distance: 388, homeruns: 5 }) { id } }`,
      { id: String(gameId) },
      await server.token('VR_GAME'),
    );
    expect(done.errors).toBeUndefined();
    const game = await waitFor(
      async () => {
        const g = await fixtures(db).gameRow(gameId);
        const [u] = await db
          .select()
          .from(uploads)
          .where(and(eq(uploads.gameId, gameId), eq(uploads.status, 'uploaded')));
        return u ? g : undefined;
      },
      30_000,
      'souvenir uploaded',
    );
    firstKey = game.souvenirKey!;
    expect(playerId).toBeDefined();
    for (const key of [firstKey, storyKeyOf(firstKey)]) {
      expect(await inBucket(key), key).toBe(true);
      expect(onDisk(key), key).toBe(true);
    }
    const [msg] = await waitFor(
      async () => {
        const m = await fixtures(db).souvenirTexts(gameId);
        return m.length ? m : undefined;
      },
      10_000,
      'souvenir text',
    );
    code = /\/s\/([A-Za-z0-9_-]{8,})/.exec(msg!.body)![1]!;

    const page = await fetch(`${server.url}/s/${code}`, {
      headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toMatch(/script-src 'sha256-[^']+'/);
    const html = await page.text();
    expect(html).toContain(`<meta property="og:image" content="${BASE}/media/${firstKey}">`);
    expect(html).toContain('<meta name="twitter:card" content="summary_large_image">');
    expect(html).toContain(`src="/media/${storyKeyOf(firstKey)}"`);
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+stylesheet/);

    // A client that asks for no HTML still gets the image.
    const image = await fetch(`${server.url}/s/${code}`, { redirect: 'manual' });
    expect([image.status, image.headers.get('location')]).toEqual([302, game.souvenirUrl]);
    const [link] = await db.select().from(shortLinks).where(eq(shortLinks.code, code));
    expect([link!.hits, link!.saves, link!.shares]).toEqual([2, 0, 0]);
  });

  it('counts saves (both sizes) and shares', async () => {
    const square = await fetch(`${server.url}/s/${code}/save`);
    expect(square.status).toBe(200);
    expect(square.headers.get('content-disposition')).toBe('attachment; filename="souvenir.png"');
    expect((await sharp(Buffer.from(await square.arrayBuffer())).metadata()).height).toBe(1080);
    const story = await fetch(`${server.url}/s/${code}/save?size=story`);
    expect((await sharp(Buffer.from(await story.arrayBuffer())).metadata()).height).toBe(1920);
    expect((await fetch(`${server.url}/s/${code}/shared`, { method: 'POST' })).status).toBe(204);
    const [link] = await db.select().from(shortLinks).where(eq(shortLinks.code, code));
    expect([link!.hits, link!.saves, link!.shares]).toEqual([2, 2, 1]);

    const report = await server.gql(
      `query($id: ID!) { showReport(showId: $id) { souvenirLinksOpened souvenirLinkVisits souvenirSaves souvenirShares } }`,
      { id: String(show.id) },
      await server.token('STAFF'),
    );
    expect(report.data.showReport).toEqual({
      souvenirLinksOpened: 1,
      souvenirLinkVisits: 2,
      souvenirSaves: 2,
      souvenirShares: 1,
    });
    expect((await fetch(`${server.url}/s/AAAAAAAAAAA/save`)).status).toBe(404);
  });

  it('replaces both files of the old souvenir on regeneration; the old link shows the new card', async () => {
    const regen = await server.gql(
      `mutation($id: ID!) { regenerateSouvenir(gameId: $id) { id } }`,
      { id: String(gameId) },
      await server.token('STAFF'),
    );
    expect(regen.errors).toBeUndefined();
    const fresh = await waitFor(
      async () => {
        const g = await fixtures(db).gameRow(gameId);
        const [u] = await db
          .select()
          .from(uploads)
          .where(and(eq(uploads.key, g.souvenirKey!), eq(uploads.status, 'uploaded')));
        return g.souvenirKey !== firstKey && u ? g : undefined;
      },
      30_000,
      'regenerated souvenir uploaded',
    );
    const newKey = fresh.souvenirKey!;
    for (const key of [firstKey, storyKeyOf(firstKey)]) {
      expect(await inBucket(key), key).toBe(false);
      expect(onDisk(key), key).toBe(false);
    }
    for (const key of [newKey, storyKeyOf(newKey)]) {
      expect(await inBucket(key), key).toBe(true);
      expect(onDisk(key), key).toBe(true);
    }
    const html = await (await fetch(`${server.url}/s/${code}`, { headers: { accept: 'text/html' } })).text();
    expect(html).toContain(`content="${BASE}/media/${newKey}"`);
    expect(html).not.toContain(firstKey);
    // The card shows the show's settings: a 388 ft hit in metres.
    const story = await fetch(`${server.url}/s/${code}/save?size=story`);
    expect(story.status).toBe(200);
  });
});
