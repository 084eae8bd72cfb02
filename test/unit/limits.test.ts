import { buildSchema, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { checkLimits, MAX_COMPLEXITY, MAX_DEPTH } from '../../src/graphql/limits.js';

const schema = buildSchema(`
  type Node { id: ID! child: Node children(first: Int): [Node!]! }
  type Query { node: Node nodes(first: Int): [Node!]! }
`);

function nested(depth: number): string {
  let q = 'id';
  // node + (depth - 2) × child + id = depth levels
  for (let i = 2; i < depth; i++) q = `child { ${q} }`;
  return `{ node { ${q} } }`;
}

describe('query limits', () => {
  it(`accepts depth ${MAX_DEPTH} and refuses depth ${MAX_DEPTH + 1}`, () => {
    expect(checkLimits(schema, parse(nested(MAX_DEPTH)))).toBeNull();
    const err = checkLimits(schema, parse(nested(MAX_DEPTH + 1)));
    expect(err?.extensions.code).toBe('QUERY_TOO_DEEP');
    expect(err?.message).toMatch(/depth 11 exceeds the limit of 10/);
  });

  it('counts depth through fragments and ignores introspection', () => {
    const viaFragments = `{ node { ...A } } fragment A on Node { child { child { child { ...B } } } } fragment B on Node { child { child { child { child { child { child { id } } } } } } }`;
    expect(checkLimits(schema, parse(viaFragments))?.extensions.code).toBe('QUERY_TOO_DEEP');
    const introspection = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`;
    expect(checkLimits(schema, parse(introspection))).toBeNull();
  });

  it('multiplies list costs by the page size asked for', () => {
    expect(checkLimits(schema, parse(`{ nodes(first: 10) { children(first: 10) { id } } }`))).toBeNull();
    const err = checkLimits(schema, parse(`query($n: Int) { nodes(first: $n) { children(first: 100) { id } } }`), {
      n: 100,
    });
    expect(err?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(err?.message).toMatch(new RegExp(`exceeds the limit of ${MAX_COMPLEXITY}`));
  });
});
