// The outputs on their own: an Art-Net host that refuses (no receiver on its port) is one outage,
// however many frames fail, and ends once a receiver is there; a widget missing at start is
// retried until it appears.
import dgram from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startArtnetOutput } from '../../src/lighting/artnet.js';
import { startEnttecOutput } from '../../src/lighting/enttec.js';
import { createLogger } from '../../src/log.js';
import { expectedEnttec, hasSocat, startArtnetReceiver, startPtyWidget } from '../helpers/dmx.js';
import { waitFor } from '../helpers/fixtures.js';

const log = createLogger('silent');

/** A UDP port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('lighting outputs', () => {
  it('Art-Net: a refusing host is one outage until a receiver answers, then frames arrive', async () => {
    const port = await closedPort();
    const output = startArtnetOutput({ host: '127.0.0.1', port, universe: 0 }, log);
    try {
      output.show(Uint8Array.from([0, 11, ...Array(22).fill(0)]));
      await waitFor(() => output.status().error !== null, 5000, 'the refusal');
      await new Promise((r) => setTimeout(r, 3000));
      expect(output.status()).toMatchObject({ name: 'artnet', up: false, outages: 1 });

      const receiver = await startArtnetReceiver(port);
      try {
        const p = await receiver.until((q) => q.data[1] === 11, 5000);
        expect(p.opCode).toBe(0x5000);
        await waitFor(() => output.status().up, 5000, 'the output up again');
        expect(output.status()).toMatchObject({ up: true, error: null, outages: 1 });
      } finally {
        await receiver.close();
      }
    } finally {
      await output.close();
    }
  });

  it('Art-Net: a host name that does not resolve is an outage, retried', async () => {
    const output = startArtnetOutput({ host: 'no-such-host.invalid', port: 6454, universe: 0 }, log);
    try {
      output.show(new Uint8Array(24));
      await waitFor(() => output.status().error !== null, 10_000, 'the lookup failure');
      expect(output.status()).toMatchObject({ up: false, outages: 1 });
    } finally {
      await output.close();
    }
  });

  it.skipIf(!hasSocat)(
    'Enttec: a widget missing at start is retried until it appears, then gets the frame at once',
    async () => {
      const devicePath = path.join(mkdtempSync(path.join(os.tmpdir(), 'mlb-dmx-')), 'ttyDMX');
      const output = startEnttecOutput(devicePath, log);
      try {
        output.show(Uint8Array.from([0, 15, ...Array(22).fill(0)]));
        await waitFor(() => output.status().error !== null, 5000, 'the missing device');
        expect(output.status()).toMatchObject({ name: 'enttec', target: devicePath, up: false, outages: 1 });
        expect(output.status().error).toMatch(/no such file|ENOENT|cannot open/i);
        const widget = await startPtyWidget(devicePath);
        try {
          const frame = expectedEnttec(24, { 2: 15 });
          await waitFor(() => widget.bytes().includes(frame), 8000, 'the frame');
          expect(output.status()).toMatchObject({ up: true, outages: 1 });
        } finally {
          await output.close();
          await widget.stop();
        }
      } finally {
        await output.close();
      }
    },
  );
});
