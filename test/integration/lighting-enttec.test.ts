// The Enttec DMX USB Pro output, with a socat pseudo-terminal pair in place of the widget: the exact
// bytes of each cue's frame, the re-send every second, and recovery after the reader end closes and
// opens again (the booth degraded meanwhile, mutations as quick as ever).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/fixtures.js';
import { seedShow, seedTeams } from '../helpers/api.js';
import { expectedEnttec, hasSocat, parseEnttec, startPtyWidget, type PtyWidget } from '../helpers/dmx.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const SET = `mutation($cue: String!) { setLighting(cue: $cue) { cue channels { channel value } changedBy } }`;
// The default table lights the original's rig: one dimmer on channel 2, frames of 24 channels.
const CUES: Array<[string, number]> = [
  ['attract', 2],
  ['in-game', 8],
  ['LA', 11],
  ['Boston', 15],
  ['Red Sox', 15],
  ['Blue Jays', 11],
];

describe.skipIf(!hasSocat)('Enttec DMX USB Pro through a pseudo-terminal', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mlb-dmx-'));
  const devicePath = path.join(dir, 'ttyDMX');
  let widget: PtyWidget;
  let server: TestServer;
  let staff: string;

  const readyz = async () => (await fetch(`${server.url}/readyz`)).json() as Promise<any>;
  const set = async (cue: string) => {
    const r = await server.gql(SET, { cue }, staff);
    expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
    return r.data.setLighting;
  };
  /** Waits until the widget has received `frame` after `from` bytes; returns where it ends. */
  const received = (frame: Buffer, from: number, timeoutMs = 5000) =>
    waitFor(
      () => {
        const at = widget.bytes().indexOf(frame, from);
        return at >= 0 ? at + frame.length : undefined;
      },
      timeoutMs,
      `frame ${frame.toString('hex')}`,
    );

  afterAll(async () => {
    await server?.stop();
    await widget?.stop();
  });

  it('writes each cue as an "Output Only Send DMX Packet" message, byte for byte', async () => {
    widget = await startPtyWidget(devicePath);
    server = await startTestServer({ worker: false, env: { DMX_PATH: devicePath } });
    await seedShow(server);
    await seedTeams(server, ['Red Sox', 'Blue Jays']);
    staff = await server.token('STAFF');
    await waitFor(async () => (await readyz()).status === 'ready', 10_000, 'the widget to open');

    for (const [cue, level] of CUES) {
      const from = widget.bytes().length;
      const answer = await set(cue);
      expect(answer).toMatchObject({ cue, channels: [{ channel: 2, value: level }], changedBy: 'staff' });
      const frame = expectedEnttec(24, { 2: level });
      await received(frame, from);
      console.log(`lighting cue ${cue.padEnd(9)} enttec bytes ${frame.toString('hex')}`);
    }
    // Nothing but whole messages on the wire, all of them label 6 with start code 0.
    const frames = widget.frames();
    expect(frames.length).toBeGreaterThanOrEqual(CUES.length);
    for (const f of frames) {
      expect(f.label).toBe(6);
      expect(f.data[0]).toBe(0);
    }
  });

  it('re-sends the last frame every second', async () => {
    const frame = expectedEnttec(24, { 2: 11 }); // Blue Jays, the last cue set
    const start = widget.bytes().length;
    await new Promise((r) => setTimeout(r, 3500));
    // Whole frames from where the first one starts; all the same frame, nothing else.
    const after = widget.bytes().subarray(widget.bytes().indexOf(frame, start));
    const { frames, garbage } = parseEnttec(after);
    expect(garbage).toBe(0);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.length).toBeLessThanOrEqual(5);
    for (const f of frames) expect(f.bytes.toString('hex')).toBe(frame.toString('hex'));
  });

  it('when the widget goes away the booth is degraded, mutations stay quick, and the lights come back with the last cue', async () => {
    const timed = async (n: number) => {
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = performance.now();
        await set(i % 2 ? 'LA' : 'Boston');
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[Math.floor(n / 2)]!;
    };
    const present = await timed(10);

    await widget.stop();
    const degraded = await waitFor(
      async () => {
        const r = await readyz();
        return r.status === 'degraded' ? r : undefined;
      },
      10_000,
      'readyz degraded',
    );
    expect(degraded.lighting.outputs).toEqual([
      expect.objectContaining({ name: 'enttec', target: devicePath, up: false, outages: 1 }),
    ]);
    expect(degraded.lighting.outputs[0].error).toEqual(expect.any(String));

    // With the device missing the lights never hold a mutation up.
    const missing = await timed(10);
    console.log(`setLighting median: widget present ${present.toFixed(1)} ms, missing ${missing.toFixed(1)} ms`);
    expect(missing).toBeLessThan(Math.max(present * 3, present + 50));
    await set('in-game');

    // Still one outage however many frames failed meanwhile.
    await new Promise((r) => setTimeout(r, 2500));
    expect((await readyz()).lighting.outputs[0].outages).toBe(1);

    const metrics = await (await fetch(`${server.app.http!.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^mlb_lighting_output_up\{output="enttec"\} 0$/m);
    expect(metrics).toMatch(/^mlb_lighting_output_outages_total\{output="enttec"\} 1$/m);

    widget = await startPtyWidget(devicePath);
    // Reopened with backoff (at most 5 s), then the last cue at once.
    await received(expectedEnttec(24, { 2: 8 }), 0, 9000);
    await waitFor(async () => (await readyz()).status === 'ready', 5000, 'readyz ready again');
    const back = await (await fetch(`${server.app.http!.metricsUrl}/metrics`)).text();
    expect(back).toMatch(/^mlb_lighting_output_up\{output="enttec"\} 1$/m);
    expect(back).toMatch(/^mlb_lighting_frames_total\{output="enttec"\} \d+$/m);
  });
});
