// Where souvenirs and photos live: S3 (or an S3-compatible server) when configured, else local disk.
import { publicBaseUrl, type Config } from '../config.js';
import { DiskStorage } from './disk.storage.js';
import type { Storage } from './object-store.js';
import { S3Storage } from './s3.storage.js';

export { assertKey, KEY_PATTERN, randomKey, type Storage, type StoredObject } from './object-store.js';

export function createStorage(config: Config): Storage {
  if (config.s3) return new S3Storage(config.s3);
  return new DiskStorage(config.dataDir, `${publicBaseUrl(config)}/media`);
}
