import { describe, expect, it } from 'vitest';
import { fixtures } from '../helpers/fixtures.js';
import { useTestServer } from '../helpers/server.js';

const server = await useTestServer({ worker: false });
const f = fixtures(server.app.context.database.db);

describe('shows and currentShow', () => {
  it('answers null and an empty list before any show exists', async () => {
    const r = await server.gql(`{ currentShow { id } shows { id } }`);
    expect(r.data).toEqual({ currentShow: null, shows: [] });
  });

  it('lists shows newest date first and picks the latest date, ties highest id, as current', async () => {
    const old = await f.show({ date: '2024-06-01', name: 'Old' });
    const a = await f.show({ date: '2024-07-04', name: 'Fourth A' });
    const b = await f.show({ date: '2024-07-04', name: 'Fourth B' });
    const r = await server.gql(
      `{ currentShow { id name date welcomeMessage recallMessage souvenirMessage } shows { name } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.currentShow).toEqual({
      id: String(b.id),
      name: 'Fourth B',
      date: '2024-07-04',
      welcomeMessage: 'hi',
      recallMessage: 'come back',
      souvenirMessage: 'see {url}',
    });
    expect(r.data.shows.map((s: { name: string }) => s.name)).toEqual(['Fourth B', 'Fourth A', 'Old']);
    expect(a.id).toBeLessThan(b.id);
    expect(old.id).toBeLessThan(a.id);
  });
});
