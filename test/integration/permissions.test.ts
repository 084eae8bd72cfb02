import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { players } from '../../src/db/schema.js';
import { seedShow } from '../helpers/api.js';
import { useTestServer } from '../helpers/server.js';
import { type Role } from '../../src/domain/roles.js';

const server = await useTestServer({ worker: false });
await seedShow(server);

type Caller = Role | 'ANONYMOUS';
const CALLERS: Caller[] = ['ANONYMOUS', 'TABLET', 'VR_GAME', 'STAFF', 'ADMIN'];
const MISSING = '987654';
let serial = 0;
const SHOW = {
  name: 'S',
  date: '2025-08-01',
  welcomeMessage: 'Hi',
  recallMessage: 'Back',
  souvenirMessage: 'See {url}',
};

// docs/design.md "Accounts and permissions", restated. Ids that do not exist: an allowed caller gets past
// authorization into the service and hears NOT_FOUND, which no denied caller ever sees.
const MUTATIONS: Record<string, { allowed: Role[]; query: string; vars: () => Record<string, unknown> }> = {
  signUp: {
    allowed: ['TABLET', 'STAFF', 'ADMIN'],
    query: `mutation($i: SignUpInput!) { signUp(input: $i) { id } }`,
    vars: () => ({ i: { firstName: 'P', handedness: 'LEFT' } }),
  },
  updatePlayer: {
    allowed: ['TABLET', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { updatePlayer(id: $id, input: { lastName: "X" }) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  startGame: {
    allowed: ['TABLET', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { startGame(playerId: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  queueGame: {
    allowed: ['TABLET', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { queueGame(id: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  recallGame: {
    allowed: ['TABLET', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { recallGame(id: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  confirmGame: {
    allowed: ['TABLET', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { confirmGame(id: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  playGame: {
    allowed: ['VR_GAME', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { playGame(id: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  completeGame: {
    allowed: ['VR_GAME', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { completeGame(id: $id, result: { score: 1, distance: 1, homeruns: 1 }) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  cancelGame: {
    allowed: ['TABLET', 'VR_GAME', 'STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { cancelGame(id: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  regenerateSouvenir: {
    allowed: ['STAFF', 'ADMIN'],
    query: `mutation($id: ID!) { regenerateSouvenir(gameId: $id) { id } }`,
    vars: () => ({ id: MISSING }),
  },
  createShow: {
    allowed: ['ADMIN'],
    query: `mutation($i: ShowInput!) { createShow(input: $i) { id } }`,
    vars: () => ({ i: SHOW }),
  },
  updateShow: {
    allowed: ['ADMIN'],
    query: `mutation($id: ID!, $i: ShowInput!) { updateShow(id: $id, input: $i) { id } }`,
    vars: () => ({ id: MISSING, i: SHOW }),
  },
  createTeam: {
    allowed: ['ADMIN'],
    query: `mutation($n: String!) { createTeam(name: $n, color: "#112233") { id } }`,
    vars: () => ({ n: `Team ${++serial}` }),
  },
};

const cases = Object.keys(MUTATIONS).flatMap((m) => CALLERS.map((c) => [m, c] as const));

describe('who may call which mutation', () => {
  it.each(cases)('%s as %s', async (name, caller) => {
    const m = MUTATIONS[name]!;
    const token = caller === 'ANONYMOUS' ? null : await server.token(caller);
    const r = await server.gql(m.query, m.vars(), token);
    const code = r.errors?.[0]?.extensions?.code;
    if (caller === 'ANONYMOUS') expect(code).toBe('UNAUTHENTICATED');
    else if (!m.allowed.includes(caller)) expect(code).toBe('FORBIDDEN');
    else if (r.errors) expect(code).toBe('NOT_FOUND');
    else expect(r.data[name].id).toBeTruthy();
  });

  it('writes nothing for a refused caller', async () => {
    const [before] = await server.app.context.database.db.select({ n: count() }).from(players);
    for (const token of [null, await server.token('VR_GAME')]) {
      const r = await server.gql(MUTATIONS.signUp!.query, MUTATIONS.signUp!.vars(), token);
      expect(['UNAUTHENTICATED', 'FORBIDDEN']).toContain(r.errors?.[0]?.extensions?.code);
    }
    const [after] = await server.app.context.database.db.select({ n: count() }).from(players);
    expect(after!.n).toBe(before!.n);
  });
});

describe('shows and teams', () => {
  const CREATE_SHOW = `mutation($i: ShowInput!) { createShow(input: $i) { id name date souvenirMessage } }`;
  const UPDATE_SHOW = `mutation($id: ID!, $i: ShowInput!) { updateShow(id: $id, input: $i) { id name date } }`;
  const CREATE_TEAM = `mutation($n: String!, $c: String!) { createTeam(name: $n, color: $c) { id name color } }`;

  it('creates and updates a show', async () => {
    const admin = await server.token('ADMIN');
    const created = await server.gql(CREATE_SHOW, { i: { ...SHOW, name: ' Finals ' } }, admin);
    expect(created.data.createShow).toMatchObject({ name: 'Finals', date: '2025-08-01' });
    const updated = await server.gql(
      UPDATE_SHOW,
      { id: created.data.createShow.id, i: { ...SHOW, name: 'Finals II', date: '2025-08-02' } },
      admin,
    );
    expect(updated.data.updateShow).toMatchObject({
      id: created.data.createShow.id,
      name: 'Finals II',
      date: '2025-08-02',
    });
  });

  it('refuses a souvenir message without {url} and over-long messages, naming each field', async () => {
    const admin = await server.token('ADMIN');
    const r = await server.gql(
      CREATE_SHOW,
      { i: { ...SHOW, souvenirMessage: 'No link here', recallMessage: 'r'.repeat(161) } },
      admin,
    );
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(Object.keys(r.errors![0]!.extensions!.fields)).toContain('recallMessage');
    const s = await server.gql(CREATE_SHOW, { i: { ...SHOW, souvenirMessage: 'No link here' } }, admin);
    expect(s.errors?.[0]?.extensions?.fields).toHaveProperty('souvenirMessage');
  });

  it('creates a team, refuses a duplicate name (any case) and a bad colour', async () => {
    const admin = await server.token('ADMIN');
    const ok = await server.gql(CREATE_TEAM, { n: 'Cubs', c: '#0e3386' }, admin);
    expect(ok.data.createTeam).toMatchObject({ name: 'Cubs', color: '#0E3386' });
    const dup = await server.gql(CREATE_TEAM, { n: 'CUBS', c: '#0e3386' }, admin);
    expect(dup.errors?.[0]).toMatchObject({
      message: 'A team named "CUBS" already exists',
      extensions: { code: 'CONFLICT', field: 'name' },
    });
    // Racing creations of one name in different cases: exactly one team, the others CONFLICT.
    const race = await Promise.all(
      ['Mets', 'METS', 'mets', 'MeTs'].map((n) => server.gql(CREATE_TEAM, { n, c: '#002d72' }, admin)),
    );
    expect(race.filter((r) => r.data?.createTeam).length).toBe(1);
    expect(race.filter((r) => r.errors?.[0]?.extensions?.code === 'CONFLICT').length).toBe(3);
    const bad = await server.gql(CREATE_TEAM, { n: 'Giants', c: 'orange' }, admin);
    expect(bad.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: { color: expect.any(String) },
    });
  });
});
