// Graceful shutdown of the real entry point, run the way the image runs it (node --import tsx
// src/main.ts): SIGTERM closes WebSockets with 1001, lets an in-flight request finish, stops taking
// connections, and the process exits 0 in bounded time (also stopping its embedded Postgres).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestDatabase } from '../helpers/db.js';
import { testEnv } from '../helpers/server.js';

const root = path.resolve(import.meta.dirname, '../..');
const EXIT_WITHIN_MS = 15_000;

interface Child {
  proc: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** Starts the server as a child process and resolves once it prints its GraphQL URL. */
async function startChild(env: Record<string, string>, args: string[] = []): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 45_000);
    const check = () => {
      const m = /GraphQL\s+(http:\/\/\S+)\/graphql/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    proc.stdout!.on('data', check);
    void exited.then(() => reject(new Error(`server exited before it started:\n${out}`)));
  });
  return { proc, url, output: () => out, exited };
}

function openSubscription(
  url: string,
): Promise<{ socket: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      socket.once('close', (code, reason) => r({ code, reason: String(reason) })),
    );
    socket.once('error', reject);
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      if (msg.type === 'connection_ack') {
        socket.send(
          JSON.stringify({
            id: '1',
            type: 'subscribe',
            payload: { query: 'subscription { queueChanged { version } }' },
          }),
        );
      }
      // The first snapshot arrives at once: the subscription is live.
      if (msg.type === 'next' && msg.id === '1') resolve({ socket, closed });
      if (msg.type === 'error') reject(new Error(JSON.stringify(msg.payload)));
    });
  });
}

/** A keep-alive POST whose body is only half sent: the request is in flight until `finish` sends the rest. */
function startSlowRequest(url: string) {
  const { hostname, port } = new URL(url);
  const body = JSON.stringify({ query: '{ shows { id name } }' });
  const half = Math.floor(body.length / 2);
  const socket = net.connect(Number(port), hostname);
  let raw = '';
  socket.on('data', (d) => (raw += d));
  const response = new Promise<string>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('close', () => resolve(raw));
  });
  const sent = new Promise<void>((resolve) =>
    socket.once('connect', () => {
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, half)}`,
        () => resolve(),
      );
    }),
  );
  return { sent, response, finish: () => socket.write(body.slice(half)) };
}

async function refusesConnections(url: string, withinMs: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const s = net.connect(Number(port), hostname);
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('SIGTERM', () => {
  it('closes sockets with 1001, finishes the in-flight request, stops listening and exits 0', async () => {
    const db = await createTestDatabase();
    afterAll(() => db.drop());
    const sql = postgres(db.url, { max: 1, onnotice: () => {} });
    await sql`insert into shows (name, date, welcome_message, recall_message, souvenir_message)
              values ('Derby', current_date, 'Hi', 'Come back', 'Souvenir: {url}')`;
    await sql.end();
    const child = await startChild(
      testEnv(db.url, { LOG_LEVEL: 'info', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'mlb-shutdown-')) }),
    );
    afterAll(() => void child.proc.kill('SIGKILL'));

    const { closed } = await openSubscription(child.url);
    const slow = startSlowRequest(child.url);
    await slow.sent;

    const signalledAt = Date.now();
    child.proc.kill('SIGTERM');

    const close = await closed;
    expect(close.code).toBe(1001);
    expect(await refusesConnections(child.url, 5_000)).toBe(true);

    // The request that was already being received is still served, after the signal.
    const finishedAt = Date.now();
    slow.finish();
    const response = await slow.response;
    // The kept-alive connection is closed as soon as its request is answered, not after
    // keepAliveTimeout (5 s).
    expect(Date.now() - finishedAt).toBeLessThan(3_000);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4))).toEqual({
      data: { shows: expect.any(Array) },
    });

    const exit = await Promise.race([
      child.exited,
      new Promise<null>((r) => setTimeout(() => r(null), EXIT_WITHIN_MS)),
    ]);
    expect(exit, child.output()).not.toBeNull();
    expect(exit!.code, child.output()).toBe(0);
    expect(exit!.at - signalledAt).toBeLessThan(EXIT_WITHIN_MS);
    expect(child.output()).toMatch(/"msg":"stopping"/);
    expect(child.output()).not.toMatch(/"level":(50|60)/);
  });

  it('stops the embedded Postgres too', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'mlb-shutdown-embedded-'));
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
    const env = testEnv('', { LOG_LEVEL: 'info', DATA_DIR: dataDir });
    delete (env as Record<string, string | undefined>).DATABASE_URL;
    const child = await startChild(env, ['api']);
    afterAll(() => void child.proc.kill('SIGKILL'));
    const pidFile = path.join(dataDir, 'pg', 'postmaster.pid');
    expect(existsSync(pidFile)).toBe(true);
    const pgPort = Number(readFileSync(path.join(dataDir, 'pg.port'), 'utf8'));

    child.proc.kill('SIGTERM');
    const exit = await Promise.race([
      child.exited,
      new Promise<null>((r) => setTimeout(() => r(null), EXIT_WITHIN_MS)),
    ]);
    expect(exit?.code, child.output()).toBe(0);
    // Postgres removes its pid file only after a clean shutdown, and its port is free again.
    expect(existsSync(pidFile)).toBe(false);
    expect(await refusesConnections(`http://127.0.0.1:${pgPort}`, 1_000)).toBe(true);
  });
});
