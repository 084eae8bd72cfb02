// Souvenirs render on worker threads: the same card as in the process, in order, and a render that
// fails (or a closed pool) rejects its own request only.
import { readdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { afterAll, expect, it } from 'vitest';
import type { CardData } from '../../src/souvenir/card.js';
import { preparePhoto } from '../../src/souvenir/photo.js';
import { renderSouvenir } from '../../src/souvenir/render.js';
import { asBuffers, createRenderPool } from '../../src/souvenir/render-pool.js';

const CARD: CardData = {
  firstName: 'Ada',
  lastName: 'Threadgill',
  score: 4321,
  homeruns: 3,
  distance: 388,
  distanceUnit: 'ft',
  teamName: 'Red Sox',
  teamColor: '#BD3039',
  showName: 'Derby',
  playedOn: 'Nov 29, 2026',
  sponsorLine: null,
};
const errors: Error[] = [];
const pool = createRenderPool(2, (err) => errors.push(err));
afterAll(() => pool.close());

const photo = async () =>
  preparePhoto(
    await sharp({ create: { width: 800, height: 600, channels: 3, background: '#c96' } })
      .jpeg()
      .toBuffer(),
  );

it('renders on threads the same PNG the process renders, Buffers and all', async () => {
  expect(pool.threads).toBe(0);
  const image = await photo();
  const [onThread, inProcess] = await Promise.all([pool.render(CARD, image, null), renderSouvenir(CARD, image, null)]);
  expect(pool.threads).toBe(1);
  for (const size of ['square', 'story'] as const) {
    expect(Buffer.isBuffer(onThread[size].png)).toBe(true);
    expect(onThread[size].png.equals(inProcess[size].png)).toBe(true);
    expect(onThread[size].timings.totalMs).toBeGreaterThan(0);
  }
});

it('answers queued renders each with its own card, on at most the pool size of threads', async () => {
  const scores = [1, 22, 333, 4444, 55555];
  const rendered = await Promise.all(scores.map((score) => pool.render({ ...CARD, score }, null, null)));
  expect(pool.threads).toBe(2);
  for (const [i, score] of scores.entries()) {
    const expected = await renderSouvenir({ ...CARD, score }, null, null);
    expect(rendered[i]!.square.png.equals(expected.square.png), `card of score ${score}`).toBe(true);
  }
});

it('fails only the render whose input is bad, and keeps serving', async () => {
  await expect(pool.render(CARD, Buffer.from('not an image'), null)).rejects.toThrow(
    /unsupported image format|Input buffer/i,
  );
  const next = await pool.render(CARD, null, null);
  expect((await sharp(next.square.png).metadata()).width).toBe(1080);
  expect(errors).toEqual([]);
});

it('turns Uint8Arrays back into Buffers wherever they sit, sharing the bytes', () => {
  const bytes = new Uint8Array([1, 2, 3, 4]);
  const view = new Uint8Array(bytes.buffer, 1, 2);
  const out = asBuffers({ a: view, list: [bytes], n: 3, s: 'x', nil: null });
  expect(Buffer.isBuffer(out.a)).toBe(true);
  expect([...out.a]).toEqual([2, 3]);
  out.a[0] = 9;
  expect(bytes[1]).toBe(9);
  expect(Buffer.isBuffer(out.list[0])).toBe(true);
  expect(out).toMatchObject({ n: 3, s: 'x', nil: null });
});

it('refuses renders once closed', async () => {
  const closing = createRenderPool(1);
  await closing.render(CARD, null, null);
  await closing.close();
  await expect(closing.render(CARD, null, null)).rejects.toThrow(/closed/);
});

it('renders at the lowest CPU priority, so requests and live updates come first', async ({ skip }) => {
  if (process.platform !== 'linux') skip();
  const niceOf = (tid: string) =>
    Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
  const before = new Set(readdirSync('/proc/self/task'));
  const own = createRenderPool(1);
  try {
    await own.render(CARD, null, null);
    const started = readdirSync('/proc/self/task').filter((tid) => !before.has(tid));
    const nices = started.map(niceOf);
    expect(nices).toContain(19);
    // This process's own thread keeps its priority.
    expect(niceOf(String(process.pid))).toBe(0);
  } finally {
    await own.close();
  }
});

it('rests a thread nineteen times its last render while the API is busy, so renders take a twentieth of a core', async () => {
  const paced = createRenderPool(1, (err) => errors.push(err), { apiBusy: () => true });
  try {
    const ended: number[] = [];
    const renders = [1, 2].map((score) =>
      paced.render({ ...CARD, score }, null, null).then((r) => {
        ended.push(performance.now());
        return r;
      }),
    );
    const [first] = await Promise.all(renders);
    const firstMs = first!.square.timings.totalMs + first!.story.timings.totalMs;
    // The second render starts only after the rest: at least nineteen times the first render's time.
    expect(ended[1]! - ended[0]!).toBeGreaterThanOrEqual(19 * firstMs);
  } finally {
    await paced.close();
  }
});
