// Booth lighting: cues, the cue table of a show, and which cue the game calls for. A cue is a name
// and channel → value pairs; channels it does not name are dark. Outputs (src/lighting/) turn the
// chosen cue into DMX frames.
import { BadInputError } from './errors.js';
import type { GameState } from './game-states.js';

export const DMX_CHANNELS = 512;
export const DMX_MAX_VALUE = 255;
/** Shortest frame sent: the Enttec widget takes no fewer than 24 channels. */
export const DMX_MIN_FRAME = 24;
export const CUE_NAME_MAX = 40;
export const CUES_MAX = 100;

export const ATTRACT_CUE = 'attract';
export const IN_GAME_CUE = 'in-game';

/** What each channel shows; channels not listed are 0. */
export interface CueChannel {
  channel: number;
  value: number;
}

export interface Cue {
  name: string;
  channels: CueChannel[];
}

/**
 * The server this one replaces drove a single dimmer pack on channel 2; these are its levels, so
 * the default table lights an existing rig exactly as before.
 */
export const ORIGINAL_CHANNEL = 2;
const ORIGINAL_LEVELS = { attract: 2, inGame: 8, LA: 11, Boston: 15 } as const;

/**
 * The original's team cues by team name (lower case): its LA and Boston, and the two teams a new
 * installation is seeded with (the Red Sox are Boston; the Blue Jays take the other team's level).
 */
const ORIGINAL_TEAM_LEVELS: Readonly<Record<string, number>> = {
  la: ORIGINAL_LEVELS.LA,
  boston: ORIGINAL_LEVELS.Boston,
  'red sox': ORIGINAL_LEVELS.Boston,
  'blue jays': ORIGINAL_LEVELS.LA,
};

/** The events existing VR builds post to `POST /lighting/`, and the cue each one means. */
export const LEGACY_EVENTS = {
  LA: 'LA',
  Boston: 'Boston',
  attractor: ATTRACT_CUE,
  'in-game': IN_GAME_CUE,
} as const satisfies Record<string, string>;
export type LegacyEvent = keyof typeof LEGACY_EVENTS;

export function isLegacyEvent(value: unknown): value is LegacyEvent {
  return typeof value === 'string' && Object.hasOwn(LEGACY_EVENTS, value);
}

const single = (value: number): CueChannel[] => [{ channel: ORIGINAL_CHANNEL, value }];

/**
 * A show's table until an admin stores one: attract, in-game, the original's LA and Boston (for the
 * legacy endpoint), and one cue per team named after it. A team the original did not know lights
 * neutrally, as in-game.
 */
export function defaultCueTable(teamNames: readonly string[]): Cue[] {
  const table: Cue[] = [
    { name: ATTRACT_CUE, channels: single(ORIGINAL_LEVELS.attract) },
    { name: IN_GAME_CUE, channels: single(ORIGINAL_LEVELS.inGame) },
    { name: 'LA', channels: single(ORIGINAL_LEVELS.LA) },
    { name: 'Boston', channels: single(ORIGINAL_LEVELS.Boston) },
  ];
  for (const team of teamNames) {
    if (findCue(table, team)) continue;
    table.push({ name: team, channels: single(ORIGINAL_TEAM_LEVELS[team.toLowerCase()] ?? ORIGINAL_LEVELS.inGame) });
  }
  return table;
}

/** Cue names are matched regardless of letter case, as team names are. */
export function findCue(table: readonly Cue[], name: string): Cue | undefined {
  const key = name.trim().toLowerCase();
  return table.find((c) => c.name.toLowerCase() === key);
}

/** The cue a team's player is greeted with: the team's own, or in-game when it has none. */
export function teamCueName(table: readonly Cue[], teamName: string | null): string {
  return (teamName && findCue(table, teamName)?.name) || IN_GAME_CUE;
}

/**
 * The cue a transition calls for, or null when the lights stay as they are: a confirmed player's
 * team, in-game while playing, attract once a game ends and nothing else is playing.
 */
export function automaticCue(
  table: readonly Cue[],
  transition: { to: GameState; teamName: string | null },
  otherGamePlaying: boolean,
): string | null {
  switch (transition.to) {
    case 'CONFIRMED':
      return teamCueName(table, transition.teamName);
    case 'PLAYING':
      return IN_GAME_CUE;
    case 'COMPLETED':
    case 'CANCELLED':
      return otherGamePlaying ? null : ATTRACT_CUE;
    default:
      return null;
  }
}

/** Channel values 1..n of a cue, n covering every channel the table uses (so a new cue darkens the last one's). */
export function cueFrame(table: readonly Cue[], cue: Cue | undefined): Uint8Array {
  let size = DMX_MIN_FRAME;
  for (const c of table) for (const { channel } of c.channels) size = Math.max(size, channel);
  const frame = new Uint8Array(size);
  for (const { channel, value } of cue?.channels ?? []) frame[channel - 1] = value;
  return frame;
}

/**
 * Checks a whole cue table, reporting every problem at once (field names like `cues.2.channels.0.value`):
 * names 1–40 characters and distinct, channels 1–512 once per cue, values 0–255, and the attract and
 * in-game cues present, since the game calls them.
 */
export function normalizeCueTable(cues: readonly Cue[]): Cue[] {
  const errors: Record<string, string> = {};
  if (cues.length > CUES_MAX) errors.cues = `at most ${CUES_MAX} cues`;
  const seen = new Set<string>();
  const table = cues.map((cue, i) => {
    const name = cue.name.trim();
    if (!name) errors[`cues.${i}.name`] = 'is required';
    else if (name.length > CUE_NAME_MAX) errors[`cues.${i}.name`] = `must be at most ${CUE_NAME_MAX} characters`;
    else if (seen.has(name.toLowerCase())) errors[`cues.${i}.name`] = `"${name}" is named twice`;
    seen.add(name.toLowerCase());
    const channels = new Set<number>();
    cue.channels.forEach(({ channel, value }, j) => {
      if (!Number.isInteger(channel) || channel < 1 || channel > DMX_CHANNELS)
        errors[`cues.${i}.channels.${j}.channel`] = `must be a channel 1–${DMX_CHANNELS}`;
      else if (channels.has(channel)) errors[`cues.${i}.channels.${j}.channel`] = `channel ${channel} is set twice`;
      channels.add(channel);
      if (!Number.isInteger(value) || value < 0 || value > DMX_MAX_VALUE)
        errors[`cues.${i}.channels.${j}.value`] = `must be a level 0–${DMX_MAX_VALUE}`;
    });
    return { name, channels: [...cue.channels].sort((a, b) => a.channel - b.channel) };
  });
  for (const required of [ATTRACT_CUE, IN_GAME_CUE])
    if (!seen.has(required)) errors.cues ??= `must include the "${required}" cue (the game calls it)`;
  if (Object.keys(errors).length) throw new BadInputError(errors);
  return table;
}
