// PUT /players/:id/photo: every refusal (401, 403, 404, 413, 415, 400) stores nothing; accepted
// images are stored in colour, auto-levelled, at a size the card crops from.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { players } from '../../src/db/schema.js';
import { fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-photo-'));
// Registered first, so it runs after the server has stopped.
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const server = await useTestServer({ env: { DATA_DIR: dataDir, PUBLIC_BASE_URL: 'https://mlb.example.test' } });
const db = server.app.context.database.db;
const photosDir = path.join(dataDir, 'media', 'photos');
const storedFiles = () => (existsSync(photosDir) ? readdirSync(photosDir).length : 0);

const colourful = (format: 'jpeg' | 'png' | 'webp') =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: { r: 200, g: 40, b: 40 } } })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="600"><circle cx="400" cy="300" r="250" fill="#3c9"/></svg>',
        ),
        top: 300,
        left: 400,
      },
    ])
    .toFormat(format)
    .toBuffer();

async function upload(id: number | string, body: Buffer, opts: { token?: string | null; type?: string } = {}) {
  const token = opts.token === undefined ? await server.token('TABLET') : opts.token;
  const res = await fetch(`${server.url}/players/${id}/photo`, {
    method: 'PUT',
    headers: {
      'content-type': opts.type ?? 'application/octet-stream',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new Uint8Array(body),
  });
  const json = (await res.json()) as { photoUrl?: string; errors?: Array<{ extensions: { code: string } }> };
  return { status: res.status, json, code: json.errors?.[0]?.extensions.code };
}

async function photoKey(id: number) {
  const [row] = await db
    .select({ key: players.photoKey, url: players.photoUrl })
    .from(players)
    .where(eq(players.id, id));
  return row!;
}

describe('photo upload', () => {
  it.each(['jpeg', 'png', 'webp'] as const)(
    'stores a %s in colour, auto-levelled and sized for the card',
    async (format) => {
      const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: '+15551230001' });
      const before = storedFiles();
      const r = await upload(player.id, await colourful(format), { type: 'image/whatever' });
      expect(r.status).toBe(200);
      expect(r.json.photoUrl).toMatch(/^https:\/\/mlb\.example\.test\/media\/photos\/[A-Za-z0-9_-]{22}\.jpg$/);
      expect(storedFiles()).toBe(before + 1);
      const row = await photoKey(player.id);
      expect(row.url).toBe(r.json.photoUrl);

      const served = await fetch(`${server.url}${new URL(r.json.photoUrl!).pathname}`);
      expect(served.status).toBe(200);
      const bytes = Buffer.from(await served.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      // Scaled to 1080 pixels on its short side (the 1600×1200 upload to 1440×1080); cropped only when drawn.
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1440, 1080]);
      // In colour: the red background and the green disc keep their hues.
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
      const [r1, g1, b1] = at(40, 40) as [number, number, number];
      expect(r1 - Math.max(g1, b1)).toBeGreaterThan(50);
      const [r2, g2, b2] = at(720, 540) as [number, number, number];
      expect(g2 - Math.max(r2, b2)).toBeGreaterThan(50);
    },
  );

  it('lets TABLET, STAFF and ADMIN upload and refuses VR_GAME with 403', async () => {
    const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: '+15551230001' });
    const jpeg = await colourful('jpeg');
    for (const role of ['TABLET', 'STAFF', 'ADMIN'] as const) {
      expect((await upload(player.id, jpeg, { token: await server.token(role) })).status).toBe(200);
    }
    const key = (await photoKey(player.id)).key;
    const before = storedFiles();
    const r = await upload(player.id, jpeg, { token: await server.token('VR_GAME') });
    expect([r.status, r.code]).toEqual([403, 'FORBIDDEN']);
    expect(storedFiles()).toBe(before);
    expect((await photoKey(player.id)).key).toBe(key);
  });

  it.each<
    [string, () => Promise<{ id: number | string; body: Buffer; token?: string | null; type?: string }>, number, string]
  >([
    ['no token', async () => ({ id: 0, body: await colourful('jpeg'), token: null }), 401, 'UNAUTHENTICATED'],
    [
      'an invalid token',
      async () => ({ id: 0, body: await colourful('jpeg'), token: 'not.a.jwt' }),
      401,
      'UNAUTHENTICATED',
    ],
    ['an unknown player', async () => ({ id: 987654, body: await colourful('jpeg') }), 404, 'NOT_FOUND'],
    ['a malformed player id', async () => ({ id: 'abc', body: await colourful('jpeg') }), 404, 'NOT_FOUND'],
    [
      'text labelled as a JPEG',
      async () => ({ id: 0, body: Buffer.from('hello, this is not an image'), type: 'image/jpeg' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a GIF',
      async () => ({ id: 0, body: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), type: 'image/gif' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['an empty body', async () => ({ id: 0, body: Buffer.alloc(0), type: 'image/png' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    [
      'a truncated JPEG',
      async () => ({ id: 0, body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]) }),
      400,
      'BAD_REQUEST',
    ],
    [
      'more than 10 MB',
      async () => ({ id: 0, body: Buffer.concat([await colourful('jpeg'), Buffer.alloc(10 * 1024 * 1024)]) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('refuses %s and stores nothing', async (_name, make, status, code) => {
    const player = await fixtures(db).player({ firstName: 'Casey', lastName: 'Jones', mobileNumber: '+15551230001' });
    const req = await make();
    const before = storedFiles();
    const r = await upload(req.id === 0 ? player.id : req.id, req.body, { token: req.token, type: req.type });
    expect([r.status, r.code]).toEqual([status, code]);
    expect(storedFiles()).toBe(before);
    expect(await photoKey(player.id)).toEqual({ key: null, url: null });
  });
});

describe('/media', () => {
  it('answers 404 for a folder, a missing file and a key that could climb out', async () => {
    await upload((await fixtures(db).player({ firstName: 'Folder' })).id, await colourful('jpeg'));
    expect(storedFiles()).toBeGreaterThan(0);
    for (const p of ['/media/photos', '/media/photos/', '/media/photos/missing.jpg', '/media/..%2Fsecret_key']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect(
        ((await res.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0]!.extensions.code,
      ).toBe('NOT_FOUND');
    }
  });
});
