// Erasure (issue "Staff control", part 3): erasePlayer on disk and on S3 (the s3rver fake through
// the real SDK), 410 short links, redacted texts, games kept; and the PLAYER_RETENTION_DAYS pass.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { and, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { callContext } from '../../src/context.js';
import { auditLog, games, messages, players, souvenirFiles, uploads } from '../../src/db/schema.js';
import { type Role } from '../../src/domain/roles.js';
import { retentionJob } from '../../src/jobs/registry.js';
import { eraseExpiredPlayers } from '../../src/services/erasure.service.js';
import { startS3Fake } from '../fakes/s3.fake.js';
import { driveTo, seedShow, seedTeams, signUpPlayer } from '../helpers/api.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { storyKeyOf } from '../../src/domain/souvenir.js';
import { useTestServer, type TestServer } from '../helpers/server.js';

const BASE = 'https://mlb.example.test';
const ERASE = `mutation($id: ID!) { erasePlayer(id: $id) { id firstName lastName mobileNumber email profileId photoUrl erasedAt } }`;
const codeOf = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors?.[0]?.extensions?.code;

const photo = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 30, g: 160, b: 90 } } })
    .jpeg()
    .toBuffer();

let serial = 0;
/** A player with a number, a photo and a COMPLETED game whose souvenir was texted; returns ids and the link code. */
async function playedAndTexted(server: TestServer, showId: number) {
  const n = ++serial;
  const { playerId, gameId } = await signUpPlayer(server, {
    firstName: `Forget${String.fromCharCode(64 + n)}`,
    lastName: 'Me',
    mobileNumber: `+1415555${String(3100 + n).padStart(4, '0')}`,
    email: `forget${n}@example.com`,
    profileId: `profile-${n}`,
    showId: String(showId),
  });
  const put = await fetch(`${server.url}/players/${playerId}/photo`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${await server.token('TABLET')}`, 'content-type': 'image/jpeg' },
    body: new Uint8Array(await photo()),
  });
  expect(put.status).toBe(200);
  await driveTo(server, gameId, 'COMPLETED');
  const text = await waitFor(
    async () => {
      const [m] = await server.app.context.database.db
        .select()
        .from(messages)
        .where(and(eq(messages.gameId, gameId), eq(messages.kind, 'souvenir')));
      const [up] = await server.app.context.database.db.select().from(uploads).where(eq(uploads.gameId, gameId));
      return m && (!server.config.s3 || up?.status === 'uploaded') ? m : undefined;
    },
    30_000,
    'souvenir texted',
  );
  const code = /\/s\/([A-Za-z0-9_-]{8,})/.exec(text.body)![1]!;
  const [player] = await server.app.context.database.db.select().from(players).where(eq(players.id, playerId));
  const [game] = await server.app.context.database.db.select().from(games).where(eq(games.id, gameId));
  return { playerId, gameId, code, photoKey: player!.photoKey!, souvenirKey: game!.souvenirKey! };
}

describe('erasePlayer on local disk', async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-erase-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const server = await useTestServer({ env: { DATA_DIR: dataDir, PUBLIC_BASE_URL: BASE, RECALL_DISABLE: 'true' } });
  const db = server.app.context.database.db;
  const show = await seedShow(server, { date: '2031-04-01' });
  await seedTeams(server, ['Erasure Blues']);
  const onDisk = (key: string) => existsSync(path.join(dataDir, 'media', ...key.split('/')));

  it.each<Role | 'ANONYMOUS'>(['ANONYMOUS', 'TABLET', 'VR_GAME', 'STAFF', 'ADMIN'])(
    'is for ADMIN only (%s)',
    async (caller) => {
      const r = await server.gql(ERASE, { id: '987654' }, caller === 'ANONYMOUS' ? null : await server.token(caller));
      const expected = { ANONYMOUS: 'UNAUTHENTICATED', ADMIN: 'NOT_FOUND' }[caller as string] ?? 'FORBIDDEN';
      expect(codeOf(r)).toBe(expected);
    },
  );

  it('removes what is personal, deletes the files, makes the short link 410 and keeps the game', async () => {
    const p = await playedAndTexted(server, show.id);
    // A correction renders a second souvenir file: erasure finds both.
    const corrected = await server.gql(
      `mutation($id: ID!) { correctResult(gameId: $id, result: { score: 1300, distance: 420, homeruns: 4 }) { id } }`,
      { id: String(p.gameId) },
      await server.token('STAFF'),
    );
    expect(corrected.errors).toBeUndefined();
    const files = await waitFor(async () => {
      const rows = await db.select().from(souvenirFiles).where(eq(souvenirFiles.gameId, p.gameId));
      return rows.length === 2 ? rows.map((r) => r.key) : undefined;
    });
    // The corrected card replaced the first one, both sizes: only its files remain.
    const [{ souvenirKey: current }] = (await db
      .select({ souvenirKey: games.souvenirKey })
      .from(games)
      .where(eq(games.id, p.gameId))) as [{ souvenirKey: string }];
    await waitFor(async () => (files.every((k) => onDisk(k) === (k === current)) ? true : undefined));
    for (const key of [current, storyKeyOf(current), p.photoKey]) expect(onDisk(key)).toBe(true);
    const scoresBefore = (await server.gql(`{ teams { name scores { score games } } }`)).data.teams;

    const r = await server.gql(ERASE, { id: String(p.playerId) }, await server.token('ADMIN'));
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(r.data.erasePlayer).toMatchObject({
      firstName: 'Erased',
      lastName: null,
      mobileNumber: null,
      email: null,
      profileId: null,
      photoUrl: null,
    });
    expect(r.data.erasePlayer.erasedAt).not.toBeNull();
    for (const key of [...files, storyKeyOf(current), p.photoKey]) expect(onDisk(key)).toBe(false);
    expect((await fetch(`${server.url}/media/${files[0]}`)).status).toBe(404);
    const link = await fetch(`${server.url}/s/${p.code}`, { redirect: 'manual' });
    expect(link.status).toBe(410);

    const texts = await db.select().from(messages).where(eq(messages.playerId, p.playerId));
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) {
      expect(t.body).toBe('[erased]');
      expect(t.to).toBe('[erased]');
    }
    const [game] = await db.select().from(games).where(eq(games.id, p.gameId));
    expect(game).toMatchObject({ state: 'COMPLETED', score: 1300, souvenirKey: null, souvenirUrl: null });
    expect((await server.gql(`{ teams { name scores { score games } } }`)).data.teams).toEqual(scoresBefore);
    const [audit] = await db
      .select()
      .from(auditLog)
      .where(eq(auditLog.subject, `player:${p.playerId}`));
    // Both renders' keys, each in two sizes (whatever is left of them), and the photo.
    expect(audit).toMatchObject({ actor: 'user', action: 'player.erase', detail: { files: 5, games: 1 } });
  });
});

describe('erasePlayer with S3', async () => {
  const s3 = await startS3Fake();
  afterAll(() => s3.close());
  const server = await useTestServer({ env: { PUBLIC_BASE_URL: BASE, RECALL_DISABLE: 'true', ...s3.env } });
  const show = await seedShow(server, { date: '2031-04-02' });
  const client = s3.client();
  afterAll(() => client.destroy());
  const inBucket = async (key: string) => {
    try {
      await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }));
      return true;
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return false;
      throw err;
    }
  };

  it('deletes the photo and the souvenir from the bucket and the short link answers 410', async () => {
    const p = await playedAndTexted(server, show.id);
    expect(await inBucket(p.souvenirKey)).toBe(true);
    expect(await inBucket(p.photoKey)).toBe(true);
    const r = await server.gql(ERASE, { id: String(p.playerId) }, await server.token('ADMIN'));
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    expect(await inBucket(p.souvenirKey)).toBe(false);
    expect(await inBucket(p.photoKey)).toBe(false);
    expect((await fetch(`${server.url}/media/${p.souvenirKey}`)).status).toBe(404);
    expect((await fetch(`${server.url}/s/${p.code}`, { redirect: 'manual' })).status).toBe(410);
  });
});

describe('PLAYER_RETENTION_DAYS', async () => {
  const server = await useTestServer({ env: { PLAYER_RETENTION_DAYS: '30', RECALL_DISABLE: 'true' } });
  const db = server.app.context.database.db;
  const f = fixtures(db);

  it('erases players whose last show ended more than that many days ago, and only them', async () => {
    const old = await f.show({ date: '2020-01-10' });
    const recent = await f.show({ date: '2020-02-15' });
    const gone = await f.player({ firstName: 'Longago', mobileNumber: '+14155550001' });
    const back = await f.player({ firstName: 'Cameback', mobileNumber: '+14155550002' });
    const kept = await f.player({ firstName: 'Recent', mobileNumber: '+14155550003' });
    await f.completedGame(gone.id, old.id);
    await f.completedGame(back.id, old.id);
    await f.completedGame(back.id, recent.id); // their last show is the recent one
    await f.completedGame(kept.id, recent.id);
    const call = callContext(server.app.context);
    // 2020-02-25: the old show ended 45 days ago, the recent one 10 days ago.
    expect(await eraseExpiredPlayers(call, 30, '2020-02-25')).toBe(1);
    const names = async () =>
      Object.fromEntries(
        (await db.select().from(players)).map((p) => [p.id, [p.firstName, p.mobileNumber, p.erasedAt !== null]]),
      );
    expect((await names())[gone.id]).toEqual(['Erased', null, true]);
    expect((await names())[back.id]).toEqual(['Cameback', '+14155550002', false]);
    // The daily job (today, in real time): every show above is years old.
    await retentionJob.send(server.app.context.boss, {});
    await waitFor(async () => {
      const n = await names();
      return n[back.id]![2] && n[kept.id]![2];
    });
  });
});
