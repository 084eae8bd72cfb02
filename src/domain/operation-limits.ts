// What one GraphQL operation may cost, whoever sends it, and the defaults of what a caller may
// spend (settings). Checked in this order, each before the next step's work: size, bracket nesting
// (before parsing: the parser recurses once per level), tokens (while parsing), field selections
// (before validation, whose overlap check grows with their square), then depth and complexity.

/** Bytes of one document, over HTTP and WebSocket (MAX_DOCUMENT_BYTES). */
export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024;
/** Brackets ({ [ () open at once anywhere in a document. */
export const MAX_NESTING = 64;
/** Lexical tokens of one document. */
export const MAX_TOKENS = 10_000;
/** Field selections written in one document, aliases and __typename included. */
export const MAX_FIELDS = 500;
/** Field selections once fragments are expanded. */
export const MAX_EXPANDED_FIELDS = 10_000;
/** Levels of fields in an operation (introspection not counted). */
export const MAX_DEPTH = 10;
/** Estimated cost of an operation (src/graphql/limits.ts prices each field). */
export const MAX_COMPLEXITY = 5000;

/** Complexity points an anonymous address may spend per second, and at most at once. */
export const DEFAULT_ANONYMOUS_COST_PER_SECOND = 1000;
export const DEFAULT_ANONYMOUS_COST_BURST = 10_000;
/** Subscriptions running at once on one WebSocket. */
export const DEFAULT_SUBSCRIPTIONS_PER_SOCKET = 50;
/** Anonymous (or not yet authenticated) WebSockets open at once from one address. */
export const DEFAULT_SOCKETS_PER_ADDRESS = 200;

/** An anonymous operation also costs one point per KiB of its document (reading and parsing it). */
export function documentCost(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

/**
 * The largest /graphql body or WebSocket message: a document JSON-escaped (quotes and line breaks
 * take two bytes) and its variables.
 */
export function messageLimitOf(maxDocumentBytes: number): number {
  return 2 * maxDocumentBytes + 16 * 1024;
}
