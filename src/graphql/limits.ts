// The limits of one GraphQL operation, the same for HTTP and WebSocket (the numbers are in
// src/domain/operation-limits.ts). parseOperation bounds the work done before validation; checkLimits
// bounds depth and estimated cost after it and fails closed: an operation whose cost cannot be
// estimated is refused, never let through. Refusals are errors with a code, never exceptions.
import {
  BREAK,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { PAGE_SIZE_DEFAULT } from '../domain/cursor.js';
import {
  MAX_COMPLEXITY,
  MAX_DEPTH,
  MAX_EXPANDED_FIELDS,
  MAX_FIELDS,
  MAX_NESTING,
  MAX_TOKENS,
} from '../domain/operation-limits.js';
import { LEADERBOARD_DEFAULT } from '../services/leaderboard.service.js';

export { MAX_COMPLEXITY, MAX_DEPTH, MAX_FIELDS, MAX_NESTING, MAX_TOKENS };

/** A refusal: `code` for clients, `status` for HTTP (Apollo strips `http` from what it sends). */
export function limitError(code: string, message: string, status = 400): GraphQLError {
  return new GraphQLError(message, { extensions: { code, http: { status } } });
}

// ---- before validation -------------------------------------------------------------------------

/**
 * The deepest nesting of brackets ({ [ ( ) in a GraphQL source, outside strings and comments; stops
 * once past `limit`. Linear and without recursion, so it can run on any input before the parser,
 * which recurses once per level and would overflow the stack on thousands.
 */
export function nestingOf(source: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  const n = source.length;
  for (let i = 0; i < n; i++) {
    const c = source.charCodeAt(i);
    if (c === 0x7b || c === 0x5b || c === 0x28) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d || c === 0x5d || c === 0x29) {
      if (depth > 0) depth--;
    } else if (c === 0x23) {
      // A comment runs to the end of the line.
      while (i + 1 < n && source.charCodeAt(i + 1) !== 0x0a && source.charCodeAt(i + 1) !== 0x0d) i++;
    } else if (c === 0x22) {
      if (source.startsWith('"""', i)) {
        // A block string ends at the next """ that is not escaped (\""").
        i += 3;
        while (i < n && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        // A string ends at its closing quote (or, unterminated, at the end of the line).
        i++;
        while (i < n) {
          const d = source.charCodeAt(i);
          if (d === 0x5c) i += 2;
          else if (d === 0x22 || d === 0x0a || d === 0x0d) break;
          else i++;
        }
      }
    }
  }
  return max;
}

/** Field selections written in a document (aliases and __typename included), up to `limit` + 1. */
export function fieldCountOf(document: DocumentNode, limit = Infinity): number {
  let count = 0;
  visit(document, {
    Field() {
      if (++count > limit) return BREAK;
      return undefined;
    },
  });
  return count;
}

export type ParsedOperation = { document: DocumentNode; error?: undefined } | { error: GraphQLError };

/**
 * Parses a document after checking what it may cost to parse and validate: its size in bytes
 * (DOCUMENT_TOO_LARGE, 413), bracket nesting (QUERY_TOO_DEEP), tokens (GRAPHQL_PARSE_FAILED, as any
 * syntax error) and field selections (TOO_MANY_FIELDS).
 */
export function parseOperation(source: string, maxBytes: number): ParsedOperation {
  // A string's length never exceeds its UTF-8 size, so a long one needs no counting.
  const bytes = source.length > maxBytes ? source.length : Buffer.byteLength(source, 'utf8');
  if (bytes > maxBytes) {
    return {
      error: limitError(
        'DOCUMENT_TOO_LARGE',
        `The GraphQL document is larger than the limit of ${maxBytes} bytes`,
        413,
      ),
    };
  }
  const nesting = nestingOf(source, MAX_NESTING);
  if (nesting > MAX_NESTING) {
    return {
      error: limitError('QUERY_TOO_DEEP', `The document nests brackets more than ${MAX_NESTING} levels deep`),
    };
  }
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens: MAX_TOKENS });
  } catch (err) {
    const message = err instanceof GraphQLError ? err.message : 'Syntax Error: the document could not be parsed';
    return {
      error: new GraphQLError(message, {
        source: err instanceof GraphQLError ? err.source : undefined,
        positions: err instanceof GraphQLError ? err.positions : undefined,
        extensions: { code: 'GRAPHQL_PARSE_FAILED', http: { status: 400 } },
      }),
    };
  }
  if (fieldCountOf(document, MAX_FIELDS) > MAX_FIELDS) {
    return {
      error: limitError('TOO_MANY_FIELDS', `The document selects more than ${MAX_FIELDS} fields (aliases included)`),
    };
  }
  return { document };
}

// ---- after validation --------------------------------------------------------------------------

interface Shape {
  /** Levels of fields, introspection not counted. */
  depth: number;
  /** Field selections once fragments are expanded. */
  fields: number;
}

/**
 * Depth and expanded size of a selection set. A fragment's shape does not depend on where it is
 * spread, so each is computed once: a fragment spread twice in a fragment spread twice … stays linear.
 */
function shapeOf(
  set: SelectionSetNode | undefined,
  fragments: Map<string, FragmentDefinitionNode>,
  memo: Map<string, Shape>,
): Shape {
  const shape: Shape = { depth: 0, fields: 0 };
  if (!set) return shape;
  for (const sel of set.selections) {
    let child: Shape;
    if (sel.kind === Kind.FIELD) {
      const inner = shapeOf(sel.selectionSet, fragments, memo);
      // Introspection (GraphiQL's schema query nests `ofType` deeply) is not counted in depth.
      const own = sel.name.value.startsWith('__') ? 0 : sel.selectionSet ? 1 + inner.depth : 1;
      child = { depth: own, fields: 1 + inner.fields };
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      child = shapeOf(sel.selectionSet, fragments, memo);
    } else {
      const name = sel.name.value;
      let known = memo.get(name);
      if (!known) {
        // Validation refuses fragment cycles; the placeholder keeps an unvalidated one finite.
        memo.set(name, { depth: 0, fields: 0 });
        known = shapeOf(fragments.get(name)?.selectionSet, fragments, memo);
        memo.set(name, known);
      }
      child = known;
    }
    shape.depth = Math.max(shape.depth, child.depth);
    shape.fields += child.fields;
  }
  return shape;
}

/**
 * What a field costs: `cost` for the database work it starts, counted once per place the field
 * appears in the document (a field under a list is loaded for the whole list in one batched
 * statement), plus 1 per value it returns, so its children count once per item of a list.
 */
interface Price {
  cost: number;
  /** How many items it returns: the value of that page-size argument, or an assumed list size. */
  items?: { arg: 'first' | 'limit'; default: number } | number;
}

// Units of database work.
/** One read-only transaction of several statements. */
const TRANSACTION = 50;
/** A page and its count, a list, a lookup by id. */
const STATEMENT = 20;
/** A statement a DataLoader batches over every parent in a list. */
const BATCHED = 10;
/** A transaction that writes, often with a job. */
const WRITE = 50;
/** Checking a password (a deliberately slow hash) and counting the attempt. */
const LOGIN = 200;

const page = (arg: 'first' | 'limit', dflt: number) => ({ arg, default: dflt });

/**
 * Every field that reaches the database, by `Type.field`, and every list: lists without a page
 * size are priced at the size they reach at a busy show. Other fields cost 1 plus their children
 * (times `first` or `limit` when they take one).
 */
export const FIELD_PRICES: Readonly<Record<string, Price>> = {
  'Query.queue': { cost: TRANSACTION },
  'Query.games': { cost: STATEMENT, items: page('first', PAGE_SIZE_DEFAULT) },
  'Query.players': { cost: STATEMENT, items: page('first', PAGE_SIZE_DEFAULT) },
  'Query.leaderboard': { cost: TRANSACTION, items: page('limit', LEADERBOARD_DEFAULT) },
  'Query.teams': { cost: STATEMENT, items: 10 },
  'Query.shows': { cost: STATEMENT, items: 20 },
  'Query.game': { cost: STATEMENT },
  'Query.player': { cost: STATEMENT },
  'Query.team': { cost: STATEMENT },
  'Query.currentShow': { cost: STATEMENT },
  'Query.deliveryStatus': { cost: TRANSACTION },
  'Query.lighting': { cost: STATEMENT },
  'Query.lightingCues': { cost: STATEMENT, items: 10 },
  'Query.accounts': { cost: STATEMENT, items: 20 },
  'Query.auditLog': { cost: STATEMENT, items: page('limit', 50) },
  // The day's history read in a few statements.
  'Query.showReport': { cost: TRANSACTION * 4 },
  // A game by its status link, with its place and wait: the queue snapshot's work.
  'Query.playerStatus': { cost: TRANSACTION },
  'Mutation.login': { cost: LOGIN },
  'Mutation.signUp': { cost: WRITE },
  'Mutation.startGame': { cost: WRITE },
  'Mutation.updatePlayer': { cost: WRITE },
  'Mutation.queueGame': { cost: WRITE },
  'Mutation.recallGame': { cost: WRITE },
  'Mutation.confirmGame': { cost: WRITE },
  'Mutation.playGame': { cost: WRITE },
  'Mutation.completeGame': { cost: WRITE },
  'Mutation.cancelGame': { cost: WRITE },
  'Mutation.regenerateSouvenir': { cost: WRITE },
  'Mutation.resendMessage': { cost: WRITE },
  'Mutation.createShow': { cost: WRITE },
  'Mutation.updateShow': { cost: WRITE },
  'Mutation.createTeam': { cost: WRITE },
  'Mutation.setLighting': { cost: WRITE },
  'Mutation.createAccount': { cost: LOGIN },
  'Mutation.setPassword': { cost: LOGIN },
  'Mutation.disableAccount': { cost: WRITE },
  'Mutation.enableAccount': { cost: WRITE },
  'Mutation.deleteAccount': { cost: WRITE },
  'Mutation.correctResult': { cost: WRITE },
  'Mutation.resendSouvenir': { cost: WRITE },
  'Mutation.erasePlayer': { cost: WRITE },
  'Mutation.leaveQueue': { cost: WRITE },
  'Mutation.setLightingCues': { cost: WRITE, items: 10 },
  // A subscription loads its first result (later ones are shared by every subscriber).
  'Subscription.queueChanged': { cost: TRANSACTION },
  'Subscription.gameChanged': { cost: STATEMENT },
  'Subscription.lightingChanged': { cost: STATEMENT },
  'Subscription.playerStatusChanged': { cost: TRANSACTION },
  // The queue's lists come with its snapshot.
  'Queue.playing': { cost: 0, items: 4 },
  'Queue.confirmed': { cost: 0, items: 4 },
  'Queue.recalled': { cost: 0, items: 4 },
  'Queue.waiting': { cost: 0, items: 50 },
  'Game.player': { cost: BATCHED },
  'Game.show': { cost: BATCHED },
  'Game.queuePosition': { cost: BATCHED },
  'Game.history': { cost: BATCHED, items: 6 },
  'Game.messages': { cost: BATCHED, items: 3 },
  'Player.team': { cost: BATCHED },
  'Player.activeGame': { cost: BATCHED },
  'Player.games': { cost: BATCHED, items: 2 },
  'Team.memberCount': { cost: BATCHED },
  'Team.scores': { cost: BATCHED, items: 5 },
  'LeaderboardEntry.player': { cost: BATCHED },
  'DeliveryStatus.providers': { cost: 0, items: 2 },
  // A cue's DMX channels come with it; a booth rig uses a few dozen of the 512.
  'Lighting.channels': { cost: 0, items: 48 },
  'LightingCue.channels': { cost: 0, items: 48 },
};

function itemsOf(price: Price | undefined, args: Record<string, unknown>): number {
  const items = price
    ? price.items
    : 'first' in args
      ? page('first', 1)
      : 'limit' in args
        ? page('limit', 1)
        : undefined;
  if (items === undefined) return 1;
  if (typeof items === 'number') return items;
  const asked = args[items.arg];
  return typeof asked === 'number' && Number.isFinite(asked) && asked > 0 ? asked : items.default;
}

/**
 * An estimator for one operation: each field returns its values' cost (1, plus its children's per
 * item) and adds its database work to `work`, once per place in the document.
 */
function pricing() {
  const total = { work: 0 };
  const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
    const price = FIELD_PRICES[`${type.name}.${field.name}`];
    total.work += price?.cost ?? 0;
    return 1 + itemsOf(price, args) * childComplexity;
  };
  return { estimator, total };
}

export interface Checked {
  /** The estimated cost (0 when the operation cannot execute at all). */
  complexity: number;
  /** Why it is refused, or null. */
  error: GraphQLError | null;
}

function operationsOf(document: DocumentNode, operationName?: string | null): OperationDefinitionNode[] {
  return document.definitions.filter(
    (d): d is OperationDefinitionNode =>
      d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
  );
}

// The estimate of an operation whose variables cannot change it, per parsed document (the same
// object for every request with the same text: Apollo and the WebSocket cache keep one copy).
const settled = new WeakMap<DocumentNode, Map<string, Checked>>();

/**
 * Only an Int (a page size) or a Boolean (@include, @skip) variable can change the estimate or the
 * shape; the devices' mutations take ids and input objects, so theirs is the same every time.
 */
function fixedCost(operations: readonly OperationDefinitionNode[]): boolean {
  return operations.every((op) =>
    (op.variableDefinitions ?? []).every((v) => {
      let type = v.type;
      while (type.kind !== Kind.NAMED_TYPE) type = type.type;
      return type.name.value !== 'Int' && type.name.value !== 'Boolean';
    }),
  );
}

/**
 * Depth, expanded size and estimated cost of a validated document's operation. `onEstimatorError`
 * hears of an estimate that failed (the operation is refused with QUERY_COST_UNKNOWN).
 */
export function checkLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> = {},
  operationName?: string | null,
  onEstimatorError?: (err: unknown) => void,
): Checked {
  const known = settled.get(document)?.get(operationName ?? '');
  if (known) {
    // Variables that do not coerce stop the operation before any resolver runs: nothing to pay.
    for (const op of operationsOf(document, operationName))
      if (op.variableDefinitions?.length && getVariableValues(schema, op.variableDefinitions, variables).errors)
        return { complexity: 0, error: null };
    return known;
  }
  const checked = estimate(schema, document, variables, operationName, onEstimatorError);
  const operations = operationsOf(document, operationName);
  // Refusals are not kept: a refused cost is cheap to find again, and they come in endless variety.
  if (!checked.error && checked.complexity > 0 && fixedCost(operations)) {
    let byName = settled.get(document);
    if (!byName) settled.set(document, (byName = new Map()));
    byName.set(operationName ?? '', checked);
  }
  return checked;
}

function estimate(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName: string | null | undefined,
  onEstimatorError?: (err: unknown) => void,
): Checked {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, Shape>();
  const operations = operationsOf(document, operationName);
  for (const op of operations) {
    const { depth, fields } = shapeOf(op.selectionSet, fragments, memo);
    if (depth > MAX_DEPTH) {
      return {
        complexity: 0,
        error: limitError('QUERY_TOO_DEEP', `Query is too deep: depth ${depth} exceeds the limit of ${MAX_DEPTH}`),
      };
    }
    if (fields > MAX_EXPANDED_FIELDS) {
      return {
        complexity: 0,
        error: limitError(
          'QUERY_TOO_COMPLEX',
          `Query is too complex: it selects ${fields} fields once fragments are expanded, more than the limit of ${MAX_EXPANDED_FIELDS}`,
        ),
      };
    }
    // Variables that do not coerce stop the operation before any resolver runs, with GraphQL's own
    // message; there is nothing to estimate.
    if (op.variableDefinitions?.length && getVariableValues(schema, op.variableDefinitions, variables).errors) {
      return { complexity: 0, error: null };
    }
  }
  if (!operations.length) return { complexity: 0, error: null }; // no such operation: nothing runs
  let complexity: number;
  try {
    const { estimator, total } = pricing();
    complexity =
      getComplexity({
        schema,
        query: document,
        variables,
        operationName: operationName ?? undefined,
        estimators: [estimator],
        // shapeOf already bounded the expansion; this only keeps the estimator's own walk finite.
        maxQueryNodes: 4 * MAX_EXPANDED_FIELDS,
      }) + total.work;
    if (!Number.isFinite(complexity)) throw new Error(`estimated complexity is ${complexity}`);
  } catch (err) {
    onEstimatorError?.(err);
    return {
      complexity: 0,
      error: limitError('QUERY_COST_UNKNOWN', "The operation's cost could not be estimated, so it is refused"),
    };
  }
  if (complexity > MAX_COMPLEXITY) {
    return {
      complexity,
      error: limitError(
        'QUERY_TOO_COMPLEX',
        `Query is too complex: complexity ${complexity} exceeds the limit of ${MAX_COMPLEXITY}`,
      ),
    };
  }
  return { complexity, error: null };
}
