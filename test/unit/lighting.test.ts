import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DomainError } from '../../src/domain/errors.js';
import {
  automaticCue,
  cueFrame,
  defaultCueTable,
  findCue,
  normalizeCueTable,
  teamCueName,
  type Cue,
} from '../../src/domain/lighting.js';
import { artDmxPacket } from '../../src/lighting/artnet.js';
import { lightingEnabled } from '../../src/lighting/controller.js';
import { enttecPacket } from '../../src/lighting/enttec.js';

const table = defaultCueTable(['Red Sox', 'Blue Jays', 'Cubs', 'boston']);
const level = (name: string) => findCue(table, name)!.channels;

describe('the default cue table', () => {
  it("reproduces the original's channel 2 levels, with one cue per team and a neutral one for a new team", () => {
    expect(table.map((c) => c.name)).toEqual(['attract', 'in-game', 'LA', 'Boston', 'Red Sox', 'Blue Jays', 'Cubs']);
    expect(level('attract')).toEqual([{ channel: 2, value: 2 }]);
    expect(level('in-game')).toEqual([{ channel: 2, value: 8 }]);
    expect(level('LA')).toEqual([{ channel: 2, value: 11 }]);
    expect(level('Boston')).toEqual([{ channel: 2, value: 15 }]);
    expect(level('Red Sox')).toEqual([{ channel: 2, value: 15 }]);
    expect(level('Blue Jays')).toEqual([{ channel: 2, value: 11 }]);
    expect(level('Cubs')).toEqual([{ channel: 2, value: 8 }]);
  });
});

describe('automatic cues', () => {
  it('confirm → the team (in-game without one), play → in-game, complete/cancel → attract unless another game plays', () => {
    expect(automaticCue(table, { to: 'CONFIRMED', teamName: 'Blue Jays' }, false)).toBe('Blue Jays');
    expect(automaticCue(table, { to: 'CONFIRMED', teamName: 'blue jays' }, true)).toBe('Blue Jays');
    expect(automaticCue(table, { to: 'CONFIRMED', teamName: null }, false)).toBe('in-game');
    expect(automaticCue(table, { to: 'PLAYING', teamName: 'Cubs' }, false)).toBe('in-game');
    expect(automaticCue(table, { to: 'COMPLETED', teamName: 'Cubs' }, false)).toBe('attract');
    expect(automaticCue(table, { to: 'CANCELLED', teamName: null }, false)).toBe('attract');
    expect(automaticCue(table, { to: 'COMPLETED', teamName: null }, true)).toBeNull();
    expect(automaticCue(table, { to: 'QUEUED', teamName: null }, false)).toBeNull();
    expect(automaticCue(table, { to: 'RECALLED', teamName: null }, false)).toBeNull();
    const stored: Cue[] = [
      { name: 'attract', channels: [] },
      { name: 'in-game', channels: [] },
    ];
    expect(teamCueName(stored, 'Red Sox')).toBe('in-game');
  });
});

describe('cue tables an admin stores', () => {
  const errorsOf = (cues: Cue[]) => {
    try {
      normalizeCueTable(cues);
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      return (err as DomainError).extensions.fields as Record<string, string>;
    }
    throw new Error('expected the table to be refused');
  };

  it('accepts channels 1–512 and levels 0–255, trims names and orders channels', () => {
    expect(
      normalizeCueTable([
        {
          name: ' attract ',
          channels: [
            { channel: 512, value: 0 },
            { channel: 1, value: 255 },
          ],
        },
        { name: 'in-game', channels: [] },
      ]),
    ).toEqual([
      {
        name: 'attract',
        channels: [
          { channel: 1, value: 255 },
          { channel: 512, value: 0 },
        ],
      },
      { name: 'in-game', channels: [] },
    ]);
  });

  it('refuses every bad channel, level and name at once', () => {
    expect(
      errorsOf([
        {
          name: 'attract',
          channels: [
            { channel: 0, value: 1 },
            { channel: 513, value: 1 },
          ],
        },
        {
          name: 'in-game',
          channels: [
            { channel: 3, value: 256 },
            { channel: 3, value: -1 },
            { channel: 1.5, value: 1 },
          ],
        },
        { name: '', channels: [] },
        { name: 'In-Game', channels: [] },
        { name: 'x'.repeat(41), channels: [] },
      ]),
    ).toEqual({
      'cues.0.channels.0.channel': expect.any(String),
      'cues.0.channels.1.channel': expect.any(String),
      'cues.1.channels.0.value': expect.any(String),
      'cues.1.channels.1.channel': expect.stringContaining('twice'),
      'cues.1.channels.1.value': expect.any(String),
      'cues.1.channels.2.channel': expect.any(String),
      'cues.2.name': 'is required',
      'cues.3.name': expect.stringContaining('twice'),
      'cues.4.name': expect.stringContaining('40'),
    });
  });

  it('wants the attract and in-game cues the game calls', () => {
    expect(errorsOf([{ name: 'attract', channels: [] }])).toEqual({ cues: expect.stringContaining('in-game') });
  });
});

describe('frames', () => {
  it('cover every channel the table uses, at least 24', () => {
    expect(cueFrame(table, findCue(table, 'LA'))).toEqual(Uint8Array.from([0, 11, ...Array(22).fill(0)]));
    const wide: Cue[] = [
      { name: 'attract', channels: [{ channel: 100, value: 7 }] },
      { name: 'in-game', channels: [{ channel: 1, value: 9 }] },
    ];
    const frame = cueFrame(wide, wide[1]);
    expect(frame.length).toBe(100);
    expect(frame[0]).toBe(9);
    expect(frame[99]).toBe(0);
  });

  it('Enttec "Output Only Send DMX Packet": 7E, label 6, length LSB/MSB, start code 0, channels, E7', () => {
    const channels = new Uint8Array(512);
    channels[1] = 15;
    channels[511] = 255;
    const p = enttecPacket(channels);
    expect(p.length).toBe(518);
    expect([...p.subarray(0, 7)]).toEqual([0x7e, 6, 0x01, 0x02, 0x00, 0x00, 15]);
    expect(p[516]).toBe(255);
    expect(p[517]).toBe(0xe7);
    expect(enttecPacket(new Uint8Array(24)).toString('hex')).toBe(`7e061900${'00'.repeat(25)}e7`);
  });

  it('ArtDmx: the header, the 15-bit universe split into SubUni and Net, an even big-endian length', () => {
    const p = artDmxPacket(0x7fff, 200, Uint8Array.from([1, 2, 3]));
    expect(p.subarray(0, 8).toString('latin1')).toBe('Art-Net\0');
    expect([...p.subarray(8, 18)]).toEqual([0x00, 0x50, 0, 14, 200, 0, 0xff, 0x7f, 0, 4]);
    expect([...p.subarray(18)]).toEqual([1, 2, 3, 0]);
    expect(artDmxPacket(1, 1, new Uint8Array(600)).readUInt16BE(16)).toBe(512);
  });
});

describe('lighting settings', () => {
  const config = (env: Record<string, string>) =>
    loadConfig({ env: { DATA_DIR: '.data/test', SECRET_KEY: 'k'.repeat(32), ...env }, secretsDir: '/nonexistent' });

  it('is off unless an output is configured, and LIGHTING_DISABLE turns it off', () => {
    expect(lightingEnabled(config({}).lighting)).toBe(false);
    expect(lightingEnabled(config({ DMX_PATH: '/dev/ttyUSB0' }).lighting)).toBe(true);
    expect(lightingEnabled(config({ DMX_PATH: '/dev/ttyUSB0', LIGHTING_DISABLE: 'true' }).lighting)).toBe(false);
    expect(config({ ARTNET_HOST: 'console.local', ARTNET_UNIVERSE: '3' }).lighting.artnet).toEqual({
      host: 'console.local',
      port: 6454,
      universe: 3,
    });
    expect(config({ ARTNET_HOST: '10.0.0.5:6455' }).lighting.artnet).toEqual({
      host: '10.0.0.5',
      port: 6455,
      universe: 0,
    });
  });

  it('refuses a bad Art-Net host or universe', () => {
    expect(() => config({ ARTNET_HOST: 'http://x' })).toThrow(/ARTNET_HOST/);
    expect(() => config({ ARTNET_HOST: 'x:99999' })).toThrow(/ARTNET_HOST/);
    expect(() => config({ ARTNET_UNIVERSE: '32768' })).toThrow(/ARTNET_UNIVERSE/);
  });
});
