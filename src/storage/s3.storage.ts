// Amazon S3, or an S3-compatible server when an endpoint is given (path-style addressing). The bucket
// is private: links point at this server's /media/<key>, which reads the object with our credentials.
import { DeleteObjectCommand, GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config.js';
import { assertKey, type Storage, type StoredObject } from './object-store.js';

type S3Settings = NonNullable<Config['s3']>;

export class S3Storage implements Storage {
  readonly client: S3Client;

  /** `mediaUrl`: where this server serves stored objects; the bucket itself is never public. */
  constructor(
    private readonly s3: S3Settings,
    private readonly mediaUrl: string,
    /** Per request; a request to a silent endpoint must end before its job expires. */
    timeoutMs = 15_000,
  ) {
    this.client = new S3Client({
      requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
      // One request per call: retrying belongs to the caller — the upload job and its circuit
      // breaker, or the tablet that sent a photo — so a dead endpoint gets one request per attempt.
      maxAttempts: 1,
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
      ...(s3.accessKeyId && s3.secretAccessKey
        ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
        : {}),
      // Checksums only where S3 requires them: S3-compatible servers otherwise store the
      // aws-chunked framing of streamed uploads as part of the object.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, bytes: Buffer, contentType: string): Promise<string> {
    assertKey(key);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.s3.bucket,
        Key: key,
        Body: bytes,
        ContentType: contentType,
        // Keys are unique per upload or render, so the object never changes under its URL.
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
    return this.urlFor(key);
  }

  async get(key: string): Promise<StoredObject | null> {
    assertKey(key);
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.s3.bucket, Key: key }));
      const bytes = Buffer.from(await out.Body!.transformToByteArray());
      return { bytes, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  }

  /** S3 answers a delete of a missing key with success, as the interface asks. */
  async delete(key: string): Promise<void> {
    assertKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s3.bucket, Key: key }));
  }

  urlFor(key: string): string {
    return `${this.mediaUrl}/${key}`;
  }

  close(): void {
    this.client.destroy();
  }
}
