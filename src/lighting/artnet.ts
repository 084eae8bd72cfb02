// Art-Net: each frame as an ArtDmx packet over UDP to ARTNET_HOST (a console or a node), universe
// ARTNET_UNIVERSE. UDP says little about the far end: a failed name lookup, an unreachable network
// or a refusal (ICMP port unreachable, reported on the connected socket) count as an outage, which
// ends once frames have gone out for a while without one.
import dgram from 'node:dgram';
import type { Logger } from '../log.js';
import { backoffMs, FaultState, RESEND_MS, type LightingOutput } from './output.js';

export const ARTNET_PORT = 6454;
const ID = Buffer.from('Art-Net\0', 'latin1');
export const OP_DMX = 0x5000;
const PROTOCOL_VERSION = 14;
/** Frames sent this long without an error mean the host is reachable again. */
const HEALTHY_AFTER_MS = RESEND_MS + 500;

/**
 * ArtDmx: "Art-Net\0", OpCode 0x5000 (little-endian), protocol version 14, sequence, physical
 * port, universe (SubUni, Net), data length (big-endian, even, 2–512), the channels.
 */
export function artDmxPacket(universe: number, sequence: number, channels: Uint8Array): Buffer {
  const data = channels.subarray(0, 512);
  const length = Math.max(2, data.length + (data.length % 2));
  const packet = Buffer.alloc(18 + length);
  ID.copy(packet, 0);
  packet.writeUInt16LE(OP_DMX, 8);
  packet.writeUInt16BE(PROTOCOL_VERSION, 10);
  packet[12] = sequence;
  packet[13] = 0;
  packet[14] = universe & 0xff;
  packet[15] = (universe >> 8) & 0x7f;
  packet.writeUInt16BE(length, 16);
  packet.set(data, 18);
  return packet;
}

export function startArtnetOutput(
  target: { host: string; port: number; universe: number },
  log: Logger,
): LightingOutput {
  const fault = new FaultState('artnet', `${target.host}:${target.port} universe ${target.universe}`, log);
  let socket: dgram.Socket | null = null;
  let connected = false;
  let channels: Uint8Array | null = null;
  // 1–255 in turn: receivers use it to put packets back in order (0 would switch that off).
  let sequence = 0;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  let lastError = 0;
  let closed = false;

  const failed = (s: dgram.Socket, err: unknown) => {
    if (s !== socket) return;
    lastError = Date.now();
    fault.fail(err);
    if (!connected) {
      // Not even connected (the name did not resolve): start over with a new socket later.
      socket = null;
      s.close();
      schedule();
    }
  };

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect();
    }, backoffMs(attempt++));
  };

  const send = () => {
    const s = socket;
    if (!s || !connected || !channels) return;
    sequence = (sequence % 255) + 1;
    s.send(artDmxPacket(target.universe, sequence, channels), (err) => {
      if (err) return failed(s, err);
      fault.sent();
      if (!fault.up && (lastError === 0 || Date.now() - lastError >= HEALTHY_AFTER_MS)) fault.ok();
    });
  };

  const connect = () => {
    if (closed) return;
    const s = dgram.createSocket('udp4');
    socket = s;
    connected = false;
    s.on('error', (err) => failed(s, err));
    s.connect(target.port, target.host, (err?: Error) => {
      if (err) return failed(s, err);
      if (s !== socket) return;
      connected = true;
      attempt = 0;
      send();
    });
  };

  const resend = setInterval(send, RESEND_MS);
  resend.unref();
  connect();

  return {
    show(values) {
      channels = values;
      send();
    },
    status: () => fault.status(),
    async close() {
      closed = true;
      clearInterval(resend);
      if (retry) clearTimeout(retry);
      const s = socket;
      socket = null;
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}
