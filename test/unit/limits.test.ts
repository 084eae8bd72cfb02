import { buildSchema, getIntrospectionQuery, isObjectType, parse, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  checkLimits,
  FIELD_PRICES,
  fieldCountOf,
  MAX_COMPLEXITY,
  MAX_DEPTH,
  MAX_FIELDS,
  MAX_NESTING,
  nestingOf,
  parseOperation,
} from '../../src/graphql/limits.js';
import { getSchema } from '../../src/graphql/schema.js';

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

const codeOf = (s: GraphQLSchema, query: string, variables?: Record<string, unknown>) =>
  checkLimits(s, parse(query), variables).error?.extensions.code ?? null;

describe('depth and complexity', () => {
  it(`accepts depth ${MAX_DEPTH} and refuses depth ${MAX_DEPTH + 1}`, () => {
    expect(checkLimits(schema, parse(nested(MAX_DEPTH))).error).toBeNull();
    const { error } = checkLimits(schema, parse(nested(MAX_DEPTH + 1)));
    expect(error?.extensions.code).toBe('QUERY_TOO_DEEP');
    expect(error?.message).toMatch(/depth 11 exceeds the limit of 10/);
  });

  it('counts depth through fragments and ignores introspection', () => {
    const viaFragments = `{ node { ...A } } fragment A on Node { child { child { child { ...B } } } } fragment B on Node { child { child { child { child { child { child { id } } } } } } }`;
    expect(codeOf(schema, viaFragments)).toBe('QUERY_TOO_DEEP');
    const introspection = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`;
    expect(checkLimits(schema, parse(introspection)).error).toBeNull();
  });

  it('multiplies list costs by the page size asked for', () => {
    expect(checkLimits(schema, parse(`{ nodes(first: 10) { children(first: 10) { id } } }`)).error).toBeNull();
    const { error } = checkLimits(
      schema,
      parse(`query($n: Int) { nodes(first: $n) { children(first: 100) { id } } }`),
      {
        n: 100,
      },
    );
    expect(error?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(error?.message).toMatch(new RegExp(`exceeds the limit of ${MAX_COMPLEXITY}`));
  });

  it('measures each fragment once: spreads doubling thirty times are refused at once, not walked', () => {
    let doc = `{ node { ...F30 } } fragment F0 on Node { id }`;
    for (let i = 1; i <= 30; i++) doc += ` fragment F${i} on Node { ...F${i - 1} ...F${i - 1} }`;
    const started = performance.now();
    const { error } = checkLimits(schema, parse(doc));
    expect(error?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(error?.message).toMatch(/selects \d{10} fields once fragments are expanded/);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('fails closed: an operation the estimator cannot price is refused, not let through', () => {
    // 60 inline fragments around one field, spread 2^10 times: 1,024 fields, within every other
    // limit, but some 62,000 selections for the estimator to walk, past its node budget, so it
    // throws. Before, any estimator error meant "allowed".
    let inner = '__typename';
    for (let i = 0; i < 60; i++) inner = `... on Node { ${inner} }`;
    let doc = `{ node { ...G11 } } fragment G1 on Node { ${inner} }`;
    for (let i = 2; i <= 11; i++) doc += ` fragment G${i} on Node { ...G${i - 1} ...G${i - 1} }`;
    const logged: unknown[] = [];
    const { error } = checkLimits(schema, parse(doc), {}, null, (err) => logged.push(err));
    expect(error?.extensions.code).toBe('QUERY_COST_UNKNOWN');
    expect(logged).toHaveLength(1);
  });

  it('leaves variables that do not coerce to execution, which refuses them before any resolver runs', () => {
    expect(checkLimits(schema, parse(`query($n: Int) { nodes(first: $n) { id } }`), { n: 'many' })).toEqual({
      complexity: 0,
      error: null,
    });
  });
});

describe('before validation', () => {
  it('finds bracket nesting outside strings, block strings and comments, without recursion', () => {
    expect(nestingOf('{ a { b(x: [1, {c: 2}]) } }')).toBe(5);
    expect(nestingOf('{ a(s: "{{{{[[[[", t: """ {{{{ \\""" {{{ """) # {{{{{{\n { b } }')).toBe(2);
    const deep = `${'{a'.repeat(5000)}${'}'.repeat(5000)}`;
    expect(nestingOf(deep)).toBe(5000);
    expect(nestingOf(deep, MAX_NESTING)).toBe(MAX_NESTING + 1);
  });

  it('refuses each limit with its code, before the parser or validation sees the document', () => {
    const codeOfSource = (source: string) => parseOperation(source, 64 * 1024).error?.extensions.code ?? null;
    expect(codeOfSource(`{ __typename }`)).toBeNull();
    expect(codeOfSource(`{ __typename }${' '.repeat(64 * 1024)}`)).toBe('DOCUMENT_TOO_LARGE');
    expect(parseOperation(`{ __typename }${' '.repeat(64 * 1024)}`, 64 * 1024).error?.extensions.http).toEqual({
      status: 413,
    });
    expect(codeOfSource(`${'{a'.repeat(5000)}${'}'.repeat(5000)}`)).toBe('QUERY_TOO_DEEP');
    expect(codeOfSource(`{ __typename(x: [${'1 '.repeat(11_000)}]) }`)).toBe('GRAPHQL_PARSE_FAILED');
    expect(parseOperation(`{ __typename(x: [${'1 '.repeat(11_000)}]) }`, 64 * 1024).error?.message).toMatch(
      /10000 tokens/,
    );
    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(codeOfSource(aliases(MAX_FIELDS))).toBeNull();
    expect(codeOfSource(aliases(MAX_FIELDS + 1))).toBe('TOO_MANY_FIELDS');
    expect(fieldCountOf(parse(aliases(MAX_FIELDS + 1)), 10)).toBe(11);
    expect(codeOfSource(`{ me { `)).toBe('GRAPHQL_PARSE_FAILED');
  });
});

const real = await getSchema();

describe('prices of the real schema', () => {
  const fieldsOf = (type: string) => {
    const t = real.getType(type);
    return isObjectType(t) ? Object.keys(t.getFields()) : [];
  };

  it('name fields that exist', () => {
    for (const key of Object.keys(FIELD_PRICES)) {
      const [type, field] = key.split('.') as [string, string];
      expect(fieldsOf(type), key).toContain(field);
    }
  });

  it('price every root field (each reaches the database) but `me`', () => {
    for (const root of ['Query', 'Mutation', 'Subscription'])
      for (const field of fieldsOf(root))
        if (field !== 'me') expect(FIELD_PRICES, `${root}.${field}`).toHaveProperty(`${root}.${field}`);
  });

  it('make queue a transaction: 100 aliased `queue { version }` are refused, where they cost 200 before', () => {
    const queues = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `q${i}: queue { version }`).join(' ')} }`;
    expect(checkLimits(real, parse(queues(1))).complexity).toBe(52); // a transaction (50) and two values
    expect(checkLimits(real, parse(queues(100))).error?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('let the board and GraphiQL through', () => {
    const board = `subscription Board($s: ID) { queueChanged(showId: $s) { version show { id name date }
      playing { ...G } confirmed { ...G } recalled { ...G } waiting { position estimatedWaitSeconds game { ...G } } } }
      fragment G on Game { id state recalledAt player { firstName lastName team { name color } } }`;
    const teams = `{ teams { id name color scores { day score distance homeruns games } } }`;
    for (const q of [board, teams]) {
      const { complexity, error } = checkLimits(real, parse(q));
      expect(error, q).toBeNull();
      expect(complexity).toBeLessThan(MAX_COMPLEXITY / 4);
    }
    // GraphiQL's schema query, with every option it may turn on.
    const introspection = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const parsed = parseOperation(introspection, 64 * 1024);
    if (parsed.error) throw parsed.error;
    expect(checkLimits(real, parsed.document).error).toBeNull();
    const page = checkLimits(
      real,
      parse(`{ games(first: 100) { edges { node { id state score player { firstName lastName } } } totalCount } }`),
    );
    expect(page.error).toBeNull();
  });
});
