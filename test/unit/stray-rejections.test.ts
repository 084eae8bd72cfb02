// Only a bare socket error left behind by a driver is survived; anything else still ends the process.
import { expect, it } from 'vitest';
import { isStraySocketError } from '../../src/observability/stray-rejections.js';

const socketError = (code: string, syscall?: string) =>
  Object.assign(new Error(`${syscall ?? ''} ${code}`), { code, errno: -104, ...(syscall ? { syscall } : {}) });

it('survives a bare ECONNRESET, EPIPE, ECONNREFUSED or ETIMEDOUT from a system call', () => {
  for (const code of ['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT'])
    expect(isStraySocketError(socketError(code, 'read')), code).toBe(true);
});

it('does not survive other errors: a bug, a query error, a socket code without its system call, a non-error', () => {
  expect(isStraySocketError(new TypeError('x is undefined'))).toBe(false);
  expect(isStraySocketError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
  expect(isStraySocketError(socketError('ECONNRESET'))).toBe(false);
  expect(isStraySocketError(socketError('ENOENT', 'open'))).toBe(false);
  expect(isStraySocketError('ECONNRESET')).toBe(false);
  expect(isStraySocketError(undefined)).toBe(false);
});
