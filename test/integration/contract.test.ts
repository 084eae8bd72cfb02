import { readFile } from 'node:fs/promises';
import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSdl } from '../../src/graphql/schema.js';
import { missingFromSchema } from '../helpers/sdl-diff.js';

describe('API contract', () => {
  it.each([
    ['the schema the server builds', () => printSdl()],
    ['the committed schema.graphql', () => readFile('schema.graphql', 'utf8')],
  ])(
    'is fully met by %s: every type, field, argument, enum value and operation, with the same named types',
    async (_name, sdl) => {
      const contract = buildSchema(await readFile('test/contract/api-contract.graphql', 'utf8'));
      const problems = missingFromSchema(contract, buildSchema(await sdl()));
      expect(problems, `The schema breaks the client contract:\n  ${problems.join('\n  ')}`).toEqual([]);
    },
  );
});

describe('the contract check itself', () => {
  const contract = buildSchema(`
    enum Color { RED GREEN }
    type Thing { id: ID! color: Color! tags: [String!]! }
    input ThingFilter { color: Color }
    type Query { thing(id: ID!, filter: ThingFilter): Thing things: [Thing!]! }
    type Mutation { paint(id: ID!, color: Color!): Thing! }
  `);

  it('accepts a schema that adds but drops nothing (nullability may differ)', () => {
    const wider = buildSchema(`
      enum Color { RED GREEN BLUE }
      type Thing { id: ID! color: Color tags: [String] extra: Int }
      input ThingFilter { color: Color name: String }
      type Query { thing(id: ID!, filter: ThingFilter, more: Int): Thing things: [Thing!]! other: Int }
      type Mutation { paint(id: ID!, color: Color!): Thing! }
    `);
    expect(missingFromSchema(contract, wider)).toEqual([]);
  });

  it('lists every missing or changed piece', () => {
    const narrower = buildSchema(`
      enum Color { RED }
      type Thing { id: ID! color: String! tags: String }
      input ThingFilter { shade: Color }
      type Query { thing(key: ID!, filter: ThingFilter): Thing things: [Thing!]! }
    `);
    expect(missingFromSchema(contract, narrower).sort()).toEqual(
      [
        'missing argument Query.thing(id)',
        'field Thing.color is String, the contract has Color',
        'field Thing.tags is String, the contract has [String]',
        'missing enum value Color.GREEN',
        'missing field ThingFilter.color',
        'missing mutation operation type',
        'missing type Mutation',
      ].sort(),
    );
  });
});
