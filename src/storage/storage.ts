// Where souvenirs and photos live: S3 (or an S3-compatible server) when configured, else local disk.
// Either is served at /media/<key> by this server (src/http/routes/media.ts).
import { publicBaseUrl, type Config } from '../config.js';
import { providerTimeoutMs } from '../domain/delivery.js';
import { DiskStorage } from './disk.storage.js';
import type { Storage } from './object-store.js';
import { S3Storage } from './s3.storage.js';

export {
  assertKey,
  isTransientStorageError,
  KEY_PATTERN,
  randomKey,
  type Storage,
  type StoredObject,
} from './object-store.js';

export function createStorage(config: Config): Storage {
  // Either way links are this server's /media/<key>: an S3 bucket stays private (the route reads
  // from it). Uploads run as jobs that expire after twice JOB_EXPIRE_SECONDS.
  const mediaUrl = `${publicBaseUrl(config)}/media`;
  if (config.s3) return new S3Storage(config.s3, mediaUrl, providerTimeoutMs(config.jobs.expireSeconds * 2));
  return localMedia(config);
}

/**
 * The local disk under <dataDir>/media, served at /media: the store itself without S3, and where
 * souvenirs are kept first with S3 (uploaded later by their own job, see upload.service).
 */
export function localMedia(config: Config): DiskStorage {
  return new DiskStorage(config.dataDir, `${publicBaseUrl(config)}/media`);
}
