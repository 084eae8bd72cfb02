// The Enttec DMX USB Pro on a serial port (DMX_PATH). Each frame is the widget's "Output Only Send
// DMX Packet" message; a missing, unplugged or failing port is reopened with backoff and, once
// open, gets the last frame at once.
import { SerialPort } from 'serialport';
import type { Logger } from '../log.js';
import { backoffMs, FaultState, RESEND_MS, type LightingOutput } from './output.js';

const START = 0x7e;
const END = 0xe7;
/** "Output Only Send DMX Packet Request". */
export const SEND_DMX_LABEL = 6;
const DMX_START_CODE = 0x00;
/** The widget's USB side ignores the line rate; this is the documented one. */
const BAUD_RATE = 57600;

/** The widget message carrying one DMX frame: start, label, length (LSB, MSB), start code and channels, end. */
export function enttecPacket(channels: Uint8Array): Buffer {
  const length = channels.length + 1; // the DMX start code, then the channels
  const packet = Buffer.alloc(length + 5);
  packet[0] = START;
  packet[1] = SEND_DMX_LABEL;
  packet[2] = length & 0xff;
  packet[3] = length >> 8;
  packet[4] = DMX_START_CODE;
  packet.set(channels, 5);
  packet[length + 4] = END;
  return packet;
}

export function startEnttecOutput(path: string, log: Logger): LightingOutput {
  const fault = new FaultState('enttec', path, log);
  let port: SerialPort | null = null;
  let frame: Buffer | null = null;
  let attempt = 0;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const write = (p: SerialPort, packet: Buffer) => {
    if (!p.isOpen) return;
    p.write(packet, (err) => {
      if (err) lost(p, err);
      else fault.sent();
    });
  };

  /** The port failed (open refused, write error, device gone): drop it and try again later. */
  const lost = (p: SerialPort, err: unknown) => {
    if (p !== port) return;
    port = null;
    if (p.isOpen) p.close(() => {});
    fault.fail(err);
    schedule();
  };

  const schedule = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      open();
    }, backoffMs(attempt++));
  };

  const open = () => {
    if (closed) return;
    const p = new SerialPort({ path, baudRate: BAUD_RATE, autoOpen: false });
    port = p;
    p.on('error', (err) => lost(p, err));
    p.on('close', (err: unknown) => lost(p, err ?? new Error('serial port closed')));
    // A read kept pending is how an unplugged device is noticed between frames.
    p.on('data', () => {});
    p.open((err) => {
      if (err) return lost(p, err);
      if (closed || p !== port) return void p.close(() => {});
      attempt = 0;
      fault.ok();
      if (frame) write(p, frame);
    });
  };

  const resend = setInterval(() => {
    if (frame && port) write(port, frame);
  }, RESEND_MS);
  resend.unref();
  open();

  return {
    show(channels) {
      frame = enttecPacket(channels);
      if (port) write(port, frame);
    },
    status: () => fault.status(),
    async close() {
      closed = true;
      clearInterval(resend);
      if (retry) clearTimeout(retry);
      const p = port;
      port = null;
      if (p?.isOpen) await new Promise<void>((resolve) => p.close(() => resolve()));
    },
  };
}
