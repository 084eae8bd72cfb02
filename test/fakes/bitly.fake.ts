// A local stand-in for Bitly's v4 shorten endpoint that checks the token and body.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BitlyFake {
  readonly url: string;
  readonly token: string;
  /** Every shorten request: the long URL and the status answered. */
  readonly requests: Array<{ longUrl: string; status: number; link?: string }>;
  /** The next `n` requests fail with `status`. */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startBitlyFake(token = `bitly-${randomBytes(8).toString('hex')}`): Promise<BitlyFake> {
  const requests: BitlyFake['requests'] = [];
  let failures: { n: number; status: number } = { n: 0, status: 500 };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.url !== '/v4/shorten') return answer(404, { message: 'NOT_FOUND' });
    if (req.headers.authorization !== `Bearer ${token}`)
      return answer(403, { message: 'FORBIDDEN', description: 'bad token' });
    let longUrl: string;
    try {
      longUrl = String((JSON.parse(Buffer.concat(chunks).toString()) as { long_url?: unknown }).long_url ?? '');
    } catch {
      return answer(400, { message: 'INVALID_BODY' });
    }
    if (!URL.canParse(longUrl)) {
      requests.push({ longUrl, status: 400 });
      return answer(400, { message: 'INVALID_ARG_LONG_URL' });
    }
    if (failures.n > 0) {
      failures.n--;
      requests.push({ longUrl, status: failures.status });
      return answer(failures.status, { message: 'INTERNAL_ERROR' });
    }
    const link = `https://bit.ly/${randomBytes(5).toString('base64url')}`;
    requests.push({ longUrl, status: 200, link });
    answer(200, { link, id: link.replace('https://', ''), long_url: longUrl, created_at: new Date().toISOString() });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    requests,
    failNext(n, status = 500) {
      failures = { n, status };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
