// What a souvenir says and where its files live: distance units, the date in the venue's time
// zone, the two sizes' storage keys, the limits of a show's branding.

/** A show's distance unit. The VR game reports distances in feet. */
export const DISTANCE_UNITS = ['ft', 'm'] as const;
export type DistanceUnit = (typeof DISTANCE_UNITS)[number];
export const DEFAULT_DISTANCE_UNIT: DistanceUnit = 'ft';

const FEET_PER_METRE = 1 / 0.3048;

/** The distance as printed on the card: whole feet or whole metres, with thousands separators. */
export function formatDistance(feet: number, unit: DistanceUnit): { value: string; unit: string } {
  const value = unit === 'm' ? Math.round(feet / FEET_PER_METRE) : feet;
  return { value: value.toLocaleString('en-US'), unit: unit.toUpperCase() };
}

/** Scores and home runs as counts: thousands separators, never zero-padded ("7", not "07"). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The day a game was played, in the venue's time zone: "Nov 29, 2026". */
export function formatPlayedOn(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-US', { timeZone, month: 'short', day: 'numeric', year: 'numeric' }).format(at);
}

/** The two sizes of one souvenir: the square card is the game's key, the story sits beside it. */
export const SOUVENIR_SIZES = {
  square: { width: 1080, height: 1080 },
  story: { width: 1080, height: 1920 },
} as const;
export type SouvenirSize = keyof typeof SOUVENIR_SIZES;

/** `souvenirs/abc.png` → `souvenirs/abc.story.png`. */
export function storyKeyOf(squareKey: string): string {
  return squareKey.replace(/\.png$/, '') + '.story.png';
}

/** Every stored file of a souvenir whose square card is `squareKey`. */
export function souvenirFileKeys(squareKey: string): string[] {
  return [squareKey, storyKeyOf(squareKey)];
}

/** A show's logo as uploaded (PNG or SVG); it is stored as a PNG of at most LOGO_MAX_PIXELS on its long side. */
export const MAX_LOGO_BYTES = 1024 * 1024;
export const LOGO_MAX_PIXELS = 800;
export const SPONSOR_LINE_MAX = 60;
