// Baseline for bench/subscribers.bench.ts: a bare `ws` server that sends the same bytes to every
// socket — what fan-out costs with no GraphQL, no database and no protocol.
import { WebSocketServer } from 'ws';

let payload = Buffer.from('{}');
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => ws.send(payload, { binary: false }));
wss.on('listening', () => process.send!({ port: (wss.address() as { port: number }).port }));

process.on('message', (m: { cmd: 'payload'; json: string } | { cmd: 'broadcast' } | { cmd: 'close' }) => {
  if (m.cmd === 'payload') payload = Buffer.from(m.json);
  else if (m.cmd === 'broadcast') {
    for (const ws of wss.clients) ws.send(payload, { binary: false });
  } else if (m.cmd === 'close') {
    for (const ws of wss.clients) ws.terminate();
    wss.close(() => process.exit(0));
  }
});
