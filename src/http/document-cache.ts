// Parsing, validating and limit-checking a document once per distinct text: 10,000 boards send
// the same subscription, and each parsed copy would otherwise be kept alive by its subscription.
import {
  getOperationAST,
  GraphQLError,
  parse,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
import { checkLimits } from '../graphql/limits.js';

const MAX_ENTRIES = 500;

type Parsed = { document: DocumentNode; errors: null } | { document: null; errors: readonly GraphQLError[] };
const parsed = new Map<string, Parsed>();
const limits = new Map<string, GraphQLError | null>();

function remember<V>(map: Map<string, V>, key: string, value: V): V {
  if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value!);
  map.set(key, value);
  return value;
}

export type Prepared = { document: DocumentNode; operation: OperationTypeNode } | { errors: readonly GraphQLError[] };

export function prepareDocument(
  schema: GraphQLSchema,
  query: string,
  variables: Record<string, unknown> | null | undefined,
  operationName: string | null | undefined,
): Prepared {
  let p = parsed.get(query);
  if (!p) {
    try {
      const document = parse(query);
      const errors = validate(schema, document);
      p = remember(parsed, query, errors.length ? { document: null, errors } : { document, errors: null });
    } catch (err) {
      // Syntax errors are not cached: they are cheap to find again and come in endless variety.
      return { errors: [err instanceof GraphQLError ? err : new GraphQLError(String(err))] };
    }
  }
  if (p.errors) return { errors: p.errors };
  const operation = getOperationAST(p.document, operationName);
  if (!operation) return { errors: [new GraphQLError('Unable to identify operation')] };
  // Complexity depends on the variables (page sizes), so they are part of the key.
  const key = JSON.stringify([query, variables ?? {}, operationName ?? null]);
  let limit = limits.get(key);
  if (limit === undefined)
    limit = remember(limits, key, checkLimits(schema, p.document, variables ?? {}, operationName));
  return limit ? { errors: [limit] } : { document: p.document, operation: operation.operation };
}
