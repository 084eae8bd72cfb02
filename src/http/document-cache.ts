// Parsing, validating and limit-checking a WebSocket document once per distinct text: 10,000 boards
// send the same subscription, and each parsed copy would otherwise be kept alive by its subscription.
// The cache is bounded by an estimate of the memory it holds and forgets the least recently used
// document first, so a flood of distinct documents costs a bounded amount of memory.
import {
  getOperationAST,
  GraphQLError,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationTypeNode,
} from 'graphql';
import { checkLimits, limitError, parseOperation, type Checked } from '../graphql/limits.js';

/** Memory the cache may hold, estimated as below. */
export const DOCUMENT_CACHE_BYTES = 32 * 1024 * 1024;
// A parsed document (AST nodes, locations, the token list they point into) takes up to this many
// bytes of heap per byte of source: measured 7 for long names, 46 for short aliases, 80 for the
// board's subscription and 120 for a list of 9,000 numbers (the densest tokens).
const HEAP_PER_SOURCE_BYTE = 128;
const ENTRY_OVERHEAD = 512;

/** A map that keeps entries up to a total weight, evicting the least recently used first. */
export class LruCache<V> {
  private readonly entries = new Map<string, { value: V; weight: number }>();
  private total = 0;

  constructor(
    private readonly maxWeight: number,
    private readonly weigh: (key: string, value: V) => number,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Map keeps insertion order: re-inserting makes this the most recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V): V {
    const weight = this.weigh(key, value);
    const old = this.entries.get(key);
    if (old) {
      this.entries.delete(key);
      this.total -= old.weight;
    }
    if (weight > this.maxWeight) return value; // never kept, but still answered
    this.entries.set(key, { value, weight });
    this.total += weight;
    for (const [k, e] of this.entries) {
      if (this.total <= this.maxWeight) break;
      this.entries.delete(k);
      this.total -= e.weight;
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  get weight(): number {
    return this.total;
  }
}

type Parsed = { document: DocumentNode; errors: null } | { document: null; errors: readonly GraphQLError[] };

export interface DocumentCache {
  prepare(
    query: string,
    variables: Record<string, unknown> | null | undefined,
    operationName: string | null | undefined,
  ): Prepared;
  stats(): { documents: number; bytes: number };
}

export type Prepared =
  { document: DocumentNode; operation: OperationTypeNode; complexity: number } | { errors: readonly GraphQLError[] };

export function createDocumentCache(
  schema: GraphQLSchema,
  opts: { maxDocumentBytes: number; maxBytes?: number; onEstimatorError?: (err: unknown) => void },
): DocumentCache {
  const budget = opts.maxBytes ?? DOCUMENT_CACHE_BYTES;
  // Documents weigh their source times the heap a parse takes per source byte; refused ones keep only their errors.
  const parsed = new LruCache<Parsed>(
    (budget * 7) / 8,
    (key, p) => ENTRY_OVERHEAD + 2 * key.length + (p.document ? HEAP_PER_SOURCE_BYTE * key.length : 0),
  );
  const limits = new LruCache<Checked>(budget / 8, (key) => ENTRY_OVERHEAD + 2 * key.length);

  return {
    prepare(query, variables, operationName) {
      let p = parsed.get(query);
      if (!p) {
        const result = parseOperation(query, opts.maxDocumentBytes);
        // Refusals before validation are not cached: they are cheap to find again and come in endless variety.
        if (result.error) return { errors: [result.error] };
        // The code Apollo gives the same errors over HTTP, so clients handle both transports alike.
        const errors = validate(schema, result.document).map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes,
              source: e.source,
              positions: e.positions,
              extensions: { ...e.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
        );
        p = parsed.set(query, errors.length ? { document: null, errors } : { document: result.document, errors: null });
      }
      if (p.errors) return { errors: p.errors };
      const operation = getOperationAST(p.document, operationName);
      if (!operation) return { errors: [new GraphQLError('Unable to identify operation')] };
      // Complexity depends on the variables (page sizes), so they are part of the key.
      let key: string;
      try {
        key = JSON.stringify([query, variables ?? {}, operationName ?? null]);
      } catch {
        return { errors: [limitError('BAD_USER_INPUT', 'The variables could not be read (nested too deeply?)')] };
      }
      const checked =
        limits.get(key) ??
        limits.set(key, checkLimits(schema, p.document, variables ?? {}, operationName, opts.onEstimatorError));
      if (checked.error) return { errors: [checked.error] };
      return { document: p.document, operation: operation.operation, complexity: checked.complexity };
    },
    stats: () => ({ documents: parsed.size, bytes: parsed.weight + limits.weight }),
  };
}
