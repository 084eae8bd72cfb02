// What an anonymous caller (the public board, anyone with the URL) sees of a player: the first name
// and last initial, never the profile, the photo or the souvenir, however the field is reached.
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { games, players } from '../../src/db/schema.js';
import { seedShow, signUpPlayer } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';
import { connectWs } from '../helpers/ws.js';

const server = await useTestServer({ worker: false });
const db = server.app.context.database.db;
const tablet = await server.token('TABLET');
const show = await seedShow(server, { name: 'Private' });
const { playerId, gameId } = await signUpPlayer(
  server,
  { firstName: 'Grace', lastName: 'hopper', profileId: 'vr-profile-1', showId: String(show.id) },
  tablet,
);
const PHOTO = 'https://media.example.test/media/photos/abcdefghijklmnopqrstuv.jpg';
const SOUVENIR = 'https://media.example.test/media/souvenirs/abcdefghijklmnopqrstuv.png';
await db.update(players).set({ photoUrl: PHOTO }).where(eq(players.id, playerId));
await db.update(games).set({ souvenirUrl: SOUVENIR }).where(eq(games.id, gameId));

const QUERY = `query($id: ID!, $game: ID!) {
  players(first: 100) { edges { node { id lastName profileId photoUrl games { souvenirUrl } activeGame { souvenirUrl } } } }
  player(id: $id) { surname: lastName pid: profileId face: photoUrl
    games { card: souvenirUrl player { lastName photoUrl profileId games { souvenirUrl } } } }
  game(id: $game) { souvenirUrl player { lastName profileId photoUrl } }
  games(first: 100) { edges { node { souvenirUrl player { lastName photoUrl } } } }
}`;

/** Every value of the private fields in a response, whatever their alias or depth. */
function values(data: unknown, fields = /^(lastName|surname|profileId|pid|photoUrl|face|souvenirUrl|card)$/) {
  const found: Array<[string, unknown]> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (fields.test(k)) found.push([k, x]);
        else walk(x);
      }
  };
  walk(data);
  return found;
}

describe('anonymous callers', () => {
  it('see the last initial only, and no profile, photo or souvenir, nested and aliased', async () => {
    const r = await server.gql(QUERY, { id: String(playerId), game: String(gameId) });
    expect(r.errors).toBeUndefined();
    const found = values(r.data);
    expect(found.length).toBeGreaterThanOrEqual(20);
    for (const [k, v] of found) {
      if (k === 'lastName' || k === 'surname') expect(v, k).toBe('H');
      else expect(v, k).toBeNull();
    }
  });

  it('see the same over WebSocket', async () => {
    const ws = connectWs(server.url);
    try {
      const r = await new Promise<{ data?: unknown; errors?: unknown }>((resolve, reject) => {
        let result = {};
        ws.client.subscribe(
          { query: QUERY, variables: { id: String(playerId), game: String(gameId) } },
          { next: (m) => (result = m), error: reject, complete: () => resolve(result) },
        );
      });
      expect(r.errors).toBeUndefined();
      for (const [k, v] of values(r.data)) expect(v, k).toBe(k === 'lastName' || k === 'surname' ? 'H' : null);
    } finally {
      await ws.dispose();
    }
  });
});

describe('signed-in callers', () => {
  it('see every field as stored', async () => {
    const r = await server.gql(QUERY, { id: String(playerId), game: String(gameId) }, tablet);
    expect(r.errors).toBeUndefined();
    expect(r.data.player).toMatchObject({ surname: 'hopper', pid: 'vr-profile-1', face: PHOTO });
    expect(r.data.game).toMatchObject({
      souvenirUrl: SOUVENIR,
      player: { lastName: 'hopper', profileId: 'vr-profile-1', photoUrl: PHOTO },
    });
  });
});
