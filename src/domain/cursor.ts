// Keyset pagination: a cursor is the sort key and id of the last row seen, so pages stay stable
// when rows are inserted between requests (an offset would shift). Opaque to clients: base64url JSON.
import { BadInputError } from './errors.js';

export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;

/** One value of a sort key: a whole number, or a timestamp kept as Postgres text (microseconds survive). */
export type KeyValue = number | string;
export type KeyKind = 'int' | 'timestamp';

export interface Cursor {
  /** The ordering the cursor belongs to: a cursor of another ordering would point nowhere. */
  order: string;
  key: KeyValue[];
  id: number;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.order, c.key, c.id]), 'utf8').toString('base64url');
}

// Postgres timestamptz text: 2024-07-01 18:00:00.123456+00 (fraction and offset minutes optional).
const PG_TIMESTAMP =
  /^(\d{4,6})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;
const LAST_YEAR = 294276;

/** A timestamp PostgreSQL would read: the pattern alone lets through year 0 or 31 February, which it rejects. */
export function isPgTimestamp(text: string): boolean {
  if (text === 'infinity' || text === '-infinity') return true;
  const m = PG_TIMESTAMP.exec(text);
  if (!m) return false;
  const [year, month, day, hour, minute, second, offH, offM = 0, offS = 0] = m.slice(1).map((v) => Number(v ?? 0));
  const daysInMonth = new Date(Date.UTC(2000, month!, 0)).getUTCDate() - (month === 2 && !isLeap(year!) ? 1 : 0);
  return (
    year! >= 1 &&
    year! <= LAST_YEAR &&
    month! >= 1 &&
    month! <= 12 &&
    day! >= 1 &&
    day! <= daysInMonth &&
    hour! <= 23 &&
    minute! <= 59 &&
    second! <= 59 &&
    offH! <= 15 &&
    offM <= 59 &&
    offS <= 59
  );
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

function bad(message = 'is not a valid cursor; use an endCursor from the same query'): never {
  throw new BadInputError({ after: message });
}

/** Reads a cursor, checking it belongs to `order` and its key has the kinds given. */
export function decodeCursor(raw: string, order: string, kinds: readonly KeyKind[]): Cursor {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 512 || !/^[A-Za-z0-9_-]+$/.test(raw)) bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) bad();
  const [o, key, id] = parsed as [unknown, unknown, unknown];
  if (typeof o !== 'string') bad();
  if (o !== order) bad(`belongs to ordering ${o}, not ${order}`);
  if (!Array.isArray(key) || key.length !== kinds.length) bad();
  if (!Number.isSafeInteger(id) || (id as number) < 0) bad();
  key.forEach((v, i) => {
    const ok = kinds[i] === 'int' ? Number.isSafeInteger(v) : typeof v === 'string' && isPgTimestamp(v);
    if (!ok) bad();
  });
  return { order: o, key: key as KeyValue[], id: id as number };
}

/** `first` → a page size; absent → the default; outside 1..max → BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined, max = PAGE_SIZE_MAX, field = 'first'): number {
  if (first === undefined || first === null) return Math.min(PAGE_SIZE_DEFAULT, max);
  if (!Number.isInteger(first) || first < 1 || first > max) {
    throw new BadInputError({ [field]: `must be a whole number from 1 to ${max}` });
  }
  return first;
}
