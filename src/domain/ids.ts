import { BadInputError, NotFoundError } from './errors.js';

/** A GraphQL ID as a database id (a positive 32-bit integer), or null when it cannot name a row. */
export function toId(value: string | number): number | null {
  const text = String(value).trim();
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= 2_147_483_647 ? n : null;
}

/** An ID given as input (a filter, a lookup argument): anything else is bad input naming the field. */
export function parseId(value: string | number, field = 'id'): number {
  const n = toId(value);
  if (n === null) throw new BadInputError({ [field]: 'must be a positive whole number' });
  return n;
}

/** The id of a row an operation acts on: one that cannot exist is simply not found. */
export function idOf(entity: string, raw: unknown): number {
  const id = typeof raw === 'string' || typeof raw === 'number' ? toId(raw) : null;
  if (id === null) throw new NotFoundError(entity, String(raw));
  return id;
}
