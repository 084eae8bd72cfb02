// Two API servers on one database, as behind a load balancer: a change made through one reaches
// subscribers of the other through Postgres NOTIFY.
import { afterAll, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { connectWs, createShow, move, signUpGame, subscribe } from '../helpers/ws.js';

const a = await startTestServer({ env: { RECALL_DISABLE: 'true' } });
const b = await startTestServer({ database: a.db, worker: false, env: { RECALL_DISABLE: 'true' } });
afterAll(async () => {
  await b.stop();
  await a.stop();
});

it('delivers a mutation made on one server to subscribers of the other', async () => {
  const showId = await createShow(a, 'Two Servers');
  const gameId = await signUpGame(a, showId, 'Remy');
  const onB = connectWs(b.url);
  const onA = connectWs(a.url);
  try {
    const doc = `subscription($s: ID) { queueChanged(showId: $s) { version waiting { position game { id } } } }`;
    const subB = subscribe(onB, doc, { s: showId });
    const subA = subscribe(onA, doc, { s: showId });
    const [firstB] = await Promise.all([subB.nth(0), subA.nth(0)]);
    expect(firstB.queueChanged.waiting).toEqual([]);

    await move(a, 'queueGame', gameId, 'TABLET');
    const onBAfter = await subB.nth(1);
    expect(onBAfter.queueChanged.waiting).toEqual([{ position: 1, game: { id: gameId } }]);
    expect(onBAfter.queueChanged.version).toBeGreaterThan(firstB.queueChanged.version);
    expect((await subA.nth(1)).queueChanged).toEqual(onBAfter.queueChanged);

    // And the other way round.
    await move(b, 'confirmGame', gameId, 'TABLET');
    expect((await subA.nth(2)).queueChanged.waiting).toEqual([]);
    expect((await subB.nth(2)).queueChanged.version).toBeGreaterThan(onBAfter.queueChanged.version);
  } finally {
    await Promise.all([onA.dispose(), onB.dispose()]);
  }
});
