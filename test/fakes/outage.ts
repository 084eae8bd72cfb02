// A switchable link in front of a local fake, to play a venue's uplink going dark: `refuse`
// closes the port (connection refused), `hang` reads requests and never answers (timeouts),
// `unavailable` answers 503, `up` forwards to the fake. It counts what reaches it in each mode.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type LinkMode = 'up' | 'refuse' | 'hang' | 'unavailable';

export interface Link {
  readonly url: string;
  readonly mode: LinkMode;
  /** Requests that reached the link while it was in each mode (`refuse` stays 0: nothing connects). */
  readonly requests: Record<LinkMode, number>;
  set(mode: LinkMode): Promise<void>;
  close(): Promise<void>;
}

export async function startLink(target: string): Promise<Link> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const requests: Record<LinkMode, number> = { up: 0, refuse: 0, hang: 0, unavailable: 0 };
  let mode: LinkMode = 'up';
  const server = http.createServer((req, res) => {
    requests[mode] += 1;
    if (mode === 'hang') return; // the socket is destroyed when the link changes mode
    if (mode === 'unavailable') {
      res.writeHead(503, { 'content-type': 'application/json', connection: 'close' });
      res.end(JSON.stringify({ code: 503, message: 'Service Unavailable', status: 503 }));
      return;
    }
    const upstream = http.request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };

  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    requests,
    async set(next) {
      if (next === mode) return;
      dropAll();
      if (next === 'refuse') await new Promise<void>((resolve) => server.close(() => resolve()));
      else if (mode === 'refuse') await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      mode = next;
    },
    async close() {
      dropAll();
      if (mode !== 'refuse') await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
