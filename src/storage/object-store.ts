// What every storage backend implements, and the rules its keys follow.
import { randomBytes } from 'node:crypto';

export interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export interface Storage {
  /** Stores the bytes under `key` and returns the public URL they are served at. */
  put(key: string, bytes: Buffer, contentType: string): Promise<string>;
  /** The stored bytes, or null when there is no such key. */
  get(key: string): Promise<StoredObject | null>;
  /** Removes the object; a key that does not exist is already removed. */
  delete(key: string): Promise<void>;
  /** The public URL of a key (whether or not it exists). */
  urlFor(key: string): string;
}

/** Keys may hold letters, digits, `-`, `_`, `.` and `/` between segments; nothing that could climb out of a folder. */
export const KEY_PATTERN = /^(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export function assertKey(key: string): void {
  if (!KEY_PATTERN.test(key) || key.split('/').some((s) => s === '..' || s === '.'))
    throw new Error(`Invalid storage key: ${key}`);
}

/** An unguessable key: 128 random bits, so a URL cannot be found by counting. */
export function randomKey(folder: string, extension: string): string {
  return `${folder}/${randomBytes(16).toString('base64url')}.${extension}`;
}

/**
 * Whether a storage failure may succeed later: no answer (network, timeout), 429 or 5xx. Any other
 * answer (403, 404 bucket, 400) will not change by waiting.
 */
export function isTransientStorageError(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  if (typeof status !== 'number') return true;
  return status === 429 || status >= 500;
}
