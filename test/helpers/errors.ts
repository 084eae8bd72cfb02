import { expect } from 'vitest';
import { BadInputError } from '../../src/domain/errors.js';

/** The `fields` of the BadInputError that `fn` must throw. */
export function fieldsOf(fn: () => unknown): Record<string, string> {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return (err as BadInputError).fields;
  }
  throw new Error('expected a BadInputError');
}
