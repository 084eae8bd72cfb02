// A local Sentry ingest endpoint: keeps every envelope the real SDK posts to it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface SentryFake {
  /** A DSN that points the SDK here. */
  readonly dsn: string;
  /** Every envelope received, decompressed. */
  readonly envelopes: string[];
  /** The envelopes that carry an error event. */
  events(): string[];
  close(): Promise<void>;
}

export async function startSentryFake(): Promise<SentryFake> {
  const envelopes: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      envelopes.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    dsn: `http://publickey@127.0.0.1:${port}/42`,
    envelopes,
    events: () => envelopes.filter((e) => e.includes('"type":"event"')),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
