// SQL side of keyset pagination (src/domain/cursor.ts holds the cursor format).
import { asc, desc, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { decodeCursor, encodeCursor, type KeyKind, type KeyValue } from '../domain/cursor.js';

export interface KeysetOrder {
  name: string;
  /** The sort key; ties broken by `id` in the same direction, so (key, id) is a total order. */
  key: AnyColumn | SQL;
  kind: KeyKind;
  dir: 'asc' | 'desc';
  id: AnyColumn;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null; hasPreviousPage: boolean; startCursor: string | null };
  totalCount: number;
}

/** What to select next to each row so its cursor can be built: timestamps as text keep microseconds. */
export function cursorKey(order: KeysetOrder): SQL<string | number> {
  return order.kind === 'timestamp' ? sql<string>`(${order.key})::text` : sql<number>`(${order.key})::int`;
}

/** Rows strictly after the cursor in the order's direction (a row comparison, so indexes apply). */
export function afterCursor(order: KeysetOrder, raw: string | null | undefined): SQL | undefined {
  if (raw === null || raw === undefined) return undefined;
  const {
    key: [value],
    id,
  } = decodeCursor(raw, order.name, [order.kind]);
  const typed = order.kind === 'timestamp' ? sql`${value}::timestamptz` : sql`${value}::int`;
  return order.dir === 'asc'
    ? sql`(${order.key}, ${order.id}) > (${typed}, ${id})`
    : sql`(${order.key}, ${order.id}) < (${typed}, ${id})`;
}

export function orderByKeyset(order: KeysetOrder): SQL[] {
  const by = order.dir === 'asc' ? asc : desc;
  return [by(order.key), by(order.id)];
}

/**
 * Turns `size + 1` fetched rows into a page: the extra row only tells that there is a next page.
 * Pages only go forward; a page read after a cursor has the cursor's row before it, which is all
 * Relay's `hasPreviousPage` asks of forward pagination.
 */
export function toPage<R, T>(
  order: KeysetOrder,
  rows: R[],
  size: number,
  totalCount: number,
  after: string | null | undefined,
  pick: (row: R) => { node: T; id: number; key: KeyValue },
): Page<T> {
  const edges = rows.slice(0, size).map((row) => {
    const { node, id, key } = pick(row);
    return { node, cursor: encodeCursor({ order: order.name, key: [key], id }) };
  });
  const pageInfo = {
    hasNextPage: rows.length > size,
    endCursor: edges.at(-1)?.cursor ?? null,
    hasPreviousPage: after !== null && after !== undefined,
    startCursor: edges[0]?.cursor ?? null,
  };
  return { edges, pageInfo, totalCount };
}

/** Rows whose timestamp falls on calendar day `day` (YYYY-MM-DD) in `timeZone`; a range, so indexes apply. */
export function onLocalDay(column: AnyColumn | SQL, day: string, timeZone: string): SQL {
  return sql`(${column} >= (${day}::date::timestamp at time zone ${timeZone}) and ${column} < ((${day}::date + 1)::timestamp at time zone ${timeZone}))`;
}
