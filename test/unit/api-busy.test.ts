// Souvenir renders yield to the booth only while the API is busy: its event loop mostly busy while
// it answers requests. A loop kept busy by other work (a worker draining a backlog) is not the API.
import { expect, it } from 'vitest';
import { apiBusy, requestAnswered } from '../../src/observability/busy.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Holds the event loop for `ms`, answering a request every 10 ms when `answering`. */
async function hold(ms: number, answering: boolean) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    const slice = performance.now() + 9;
    while (performance.now() < slice) {
      // busy
    }
    if (answering) requestAnswered();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

it('is busy after a second of a busy loop answering requests, and not after a busy loop answering none or a quiet one', async () => {
  expect(apiBusy()).toBe(false);
  await hold(2200, true);
  await sleep(20);
  expect(apiBusy()).toBe(true);
  await hold(2200, false);
  await sleep(20);
  expect(apiBusy()).toBe(false);
  await hold(2200, true);
  await sleep(2200);
  expect(apiBusy()).toBe(false);
}, 20_000);
