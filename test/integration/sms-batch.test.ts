// The texts of one fetched batch share their statements (src/db/coalesce.ts): six texts queued
// together are leased and marked in two statements each, not six, and each still goes out once,
// a player's second text after the first.
import { afterAll, describe, expect, it } from 'vitest';
import { coalesced } from '../../src/db/coalesce.js';
import type { Executor } from '../../src/db/client.js';
import type { Player } from '../../src/db/schema.js';
import { queueSms } from '../../src/jobs/outbox.js';
import { startTwilioFake, twilioEnv } from '../fakes/twilio.fake.js';
import { fixtures, waitFor } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

const fake = await startTwilioFake();
afterAll(() => fake.close());
const statements: string[] = [];
const server = await useTestServer({ env: twilioEnv(fake), onQuery: (text) => statements.push(text) });
const db = server.app.context.database.db;
const boss = server.app.context.boss;

const count = (pattern: RegExp) => statements.filter((text) => pattern.test(text)).length;

describe('a batch of texts', () => {
  it('is leased, marked and settled together, and each text goes out once, in order per player', async () => {
    const f = fixtures(db);
    const players: Player[] = [];
    for (let i = 0; i < 5; i++)
      players.push(await f.player({ firstName: `Batch ${i}`, mobileNumber: `+1555321000${i}` }));
    statements.length = 0;
    // One transaction: every job becomes visible at once, so one fetch takes them all.
    await db.transaction(async (tx) => {
      for (const [i, player] of players.entries())
        await queueSms(tx, boss, {
          kind: 'welcome',
          playerId: player.id,
          to: player.mobileNumber!,
          body: `Welcome ${i}`,
          dedupeKey: `batch-welcome:${player.id}`,
        });
      await queueSms(tx, boss, {
        kind: 'recall',
        playerId: players[0]!.id,
        to: players[0]!.mobileNumber!,
        body: 'Come back 0',
        dedupeKey: `batch-recall:${players[0]!.id}`,
      });
    });
    await waitFor(async () => fake.accepted().length >= 6 || undefined, 20_000, 'six texts accepted');

    const bodies = fake.accepted().map((r) => r.body);
    expect([...bodies].sort()).toEqual(['Come back 0', ...players.map((_, i) => `Welcome ${i}`)].sort());
    expect(bodies.indexOf('Welcome 0')).toBeLessThan(bodies.indexOf('Come back 0'));
    // Text by text, that is seven leases (the player's second text waits behind the first, then is
    // leased again) and six attempt marks. Together: one lease and one mark for the batch, one more
    // of each for that second text, and one more should the two fetch loops split the batch.
    // (Settles share a statement when the provider's answers come back together, as the log
    // sender's do; the fake answers each request on its own.)
    expect(count(/set lease_until = now\(\) \+ make_interval/)).toBeLessThanOrEqual(3);
    expect(count(/set attempts = attempts \+ 1/)).toBeLessThanOrEqual(3);
  });
});

describe('coalesced', () => {
  const a = {} as Executor;
  const b = {} as Executor;

  it('runs the calls of one turn on one handle together, answering each its own output', async () => {
    const runs: Array<{ on: Executor; inputs: number[] }> = [];
    const double = coalesced(async (on, inputs: number[]) => {
      runs.push({ on, inputs });
      return inputs.map((n) => n * 2);
    });
    const answers = await Promise.all([double(a, 1), double(a, 2), double(b, 3), double(a, 4)]);
    expect(answers).toEqual([2, 4, 6, 8]);
    expect(runs).toEqual([
      { on: a, inputs: [1, 2, 4] },
      { on: b, inputs: [3] },
    ]);
    expect(await double(a, 5)).toBe(10);
    expect(runs).toHaveLength(3);
  });

  it('fails every call of a batch when its statement fails', async () => {
    const failing = coalesced(async (): Promise<number[]> => {
      throw new Error('connection lost');
    });
    const results = await Promise.allSettled([failing(a, 1), failing(a, 2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
