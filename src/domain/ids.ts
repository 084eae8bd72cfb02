import { BadInputError } from './errors.js';

/** A GraphQL ID argument as a database id; anything that is not a positive integer is bad input. */
export function parseId(value: string | number, field = 'id'): number {
  const text = String(value).trim();
  const n = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > 2_147_483_647) throw new BadInputError({ [field]: 'must be a positive whole number' });
  return n;
}
