// The operations GraphiQL opens with are valid against the schema the server builds, named, and
// commented; the page keeps the token out of localStorage.
import { buildSchema, parse, validate, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printSdl } from '../../src/graphql/schema.js';
import { BOOTH_OPERATIONS } from '../../src/http/routes/graphiql-operations.js';

describe('GraphiQL booth operations', async () => {
  const schema = buildSchema(await printSdl());

  it('cover the day at the booth, one named operation each', () => {
    const names = BOOTH_OPERATIONS.map((op) => {
      const defs = parse(op.query).definitions as OperationDefinitionNode[];
      expect(defs).toHaveLength(1);
      return defs[0]!.name?.value;
    });
    expect(names).toEqual([
      'SignIn',
      'Queue',
      'RecallNext',
      'FindPlayer',
      'Cancel',
      'CorrectResult',
      'ResendSouvenir',
      'DayReport',
    ]);
  });

  it.each(BOOTH_OPERATIONS.map((op) => [op.query.match(/(query|mutation) (\w+)/)![2], op] as const))(
    '%s is valid against the schema, with a comment and variables for what staff fill in',
    (_name, op) => {
      expect(validate(schema, parse(op.query))).toEqual([]);
      expect(op.query.trimStart().startsWith('#')).toBe(true);
      const declared = [...op.query.matchAll(/\$(\w+):/g)].map((m) => m[1]);
      expect(Object.keys(JSON.parse(op.variables ?? '{}')).sort()).toEqual([...new Set(declared)].sort());
    },
  );
});
