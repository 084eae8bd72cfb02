// Stand-ins for the booth's lighting hardware: a pseudo-terminal pair made by socat in place of
// the Enttec widget (the server writes to one end, the test reads the other), and an Art-Net
// receiver on 127.0.0.1.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export const hasSocat = spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0;
if (!hasSocat) console.warn('lighting tests: socat is not installed (apt-get install socat); the widget tests skip');

/** One Enttec message as the widget would receive it. */
export interface EnttecFrame {
  label: number;
  /** DMX start code, then channels 1..n. */
  data: Buffer;
  bytes: Buffer;
}

/** Splits a byte stream into Enttec messages (0x7E label lenLSB lenMSB data… 0xE7); anything else is kept as garbage. */
export function parseEnttec(stream: Buffer): { frames: EnttecFrame[]; garbage: number } {
  const frames: EnttecFrame[] = [];
  let garbage = 0;
  let i = 0;
  while (i < stream.length) {
    if (stream[i] !== 0x7e) {
      garbage++;
      i++;
      continue;
    }
    if (i + 4 > stream.length) break; // a message still arriving
    const length = stream[i + 2]! | (stream[i + 3]! << 8);
    const end = i + 4 + length;
    if (end >= stream.length) break;
    if (stream[end] !== 0xe7) {
      garbage++;
      i++;
      continue;
    }
    frames.push({
      label: stream[i + 1]!,
      data: stream.subarray(i + 4, end),
      bytes: Buffer.from(stream.subarray(i, end + 1)),
    });
    i = end + 1;
  }
  return { frames, garbage };
}

export interface PtyWidget {
  /** Where the server opens the widget (DMX_PATH). */
  readonly path: string;
  /** Every byte the server wrote so far. */
  bytes(): Buffer;
  frames(): EnttecFrame[];
  /** Closes the reader's end: the device is gone, as if unplugged. */
  stop(): Promise<void>;
}

/** A pty pair whose other end socat copies to us; `path` is the end the server opens. */
export async function startPtyWidget(path: string): Promise<PtyWidget> {
  const chunks: Buffer[] = [];
  const socat: ChildProcess = spawn('socat', ['-u', `PTY,raw,echo=0,link=${path}`, 'STDOUT'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  socat.stdout!.on('data', (c: Buffer) => chunks.push(c));
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()));
  const deadline = Date.now() + 5000;
  while (!existsSync(path)) {
    if (Date.now() > deadline || socat.exitCode !== null) throw new Error(`socat did not create ${path}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const bytes = () => Buffer.concat(chunks);
  return {
    path,
    bytes,
    frames: () => parseEnttec(bytes()).frames,
    async stop() {
      if (socat.exitCode === null) socat.kill('SIGTERM');
      await exited;
    },
  };
}

/** The Enttec message for channels 1..n set as given (0 elsewhere), built by hand from the widget's documentation. */
export function expectedEnttec(size: number, levels: Record<number, number>): Buffer {
  const data = Array.from({ length: size }, (_, i) => levels[i + 1] ?? 0);
  const length = size + 1;
  return Buffer.from([0x7e, 6, length & 0xff, length >> 8, 0x00, ...data, 0xe7]);
}

export interface ArtDmx {
  id: string;
  opCode: number;
  protocol: number;
  sequence: number;
  universe: number;
  length: number;
  data: Buffer;
  at: number;
}

export function parseArtDmx(msg: Buffer): ArtDmx {
  return {
    id: msg.subarray(0, 8).toString('latin1'),
    opCode: msg.readUInt16LE(8),
    protocol: msg.readUInt16BE(10),
    sequence: msg[12]!,
    universe: msg[14]! | (msg[15]! << 8),
    length: msg.readUInt16BE(16),
    data: Buffer.from(msg.subarray(18)),
    at: Date.now(),
  };
}

export interface ArtnetReceiver {
  readonly port: number;
  readonly packets: ArtDmx[];
  /** Resolves with the first packet from now on (or already received after `since`) that satisfies `pred`. */
  until(pred: (p: ArtDmx) => boolean, timeoutMs?: number, since?: number): Promise<ArtDmx>;
  close(): Promise<void>;
}

export async function startArtnetReceiver(port = 0): Promise<ArtnetReceiver> {
  const socket = dgram.createSocket('udp4');
  const packets: ArtDmx[] = [];
  socket.on('message', (msg) => packets.push(parseArtDmx(msg)));
  await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', () => resolve()));
  return {
    port: (socket.address() as AddressInfo).port,
    packets,
    async until(pred, timeoutMs = 5000, since = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = packets.find((p) => p.at >= since && pred(p));
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(
            `no matching Art-Net packet; last: ${packets.at(-1) ? packets.at(-1)!.data.toString('hex') : 'none'}`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
