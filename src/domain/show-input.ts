// Rules for a show and for a team, checked together so every bad field is reported at once.
import { BadInputError } from './errors.js';
import { unknownPlaceholders } from './messages.js';
import { DEFAULT_DISTANCE_UNIT, DISTANCE_UNITS, isTimeZone, SPONSOR_LINE_MAX, type DistanceUnit } from './souvenir.js';

export const SMS_MAX = 160;
/** Leaves room for a short link of up to 30 characters in one 160-character SMS. */
export const SOUVENIR_MAX = 130;
/** A game takes this long until the show has completed games of its own to estimate from. */
export const DEFAULT_TYPICAL_GAME_MINUTES = 4;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** The texts a show may set besides the three it must; absent, the defaults in messages.ts are used. */
export const OPTIONAL_TEXTS = ['helpMessage', 'leaveMessage', 'lateMessage', 'noShowMessage'] as const;
export type OptionalText = (typeof OPTIONAL_TEXTS)[number];

export interface ShowFields {
  name: string;
  date: string;
  welcomeMessage: string;
  recallMessage: string;
  souvenirMessage: string;
  helpMessage?: string | null;
  leaveMessage?: string | null;
  lateMessage?: string | null;
  noShowMessage?: string | null;
  /** Minutes a game typically takes, for wait estimates before the show has history. */
  typicalGameMinutes?: number | null;
  /** Overrides NO_SHOW_MINUTES for this show; null: the setting. */
  noShowMinutes?: number | null;
  /** The souvenir's distance unit; null: feet. */
  distanceUnit?: string | null;
  /** The venue's IANA time zone (the souvenir's date); null: the TZ setting. */
  timeZone?: string | null;
  /** A line on the souvenir ("Presented by …"); null or blank: none. */
  sponsorLine?: string | null;
}

/** The checked fields; optional ones only when given (absent: unchanged on update, the default on create). */
export type NormalizedShow = Pick<
  ShowFields,
  'name' | 'date' | 'welcomeMessage' | 'recallMessage' | 'souvenirMessage'
> &
  Partial<Record<OptionalText, string | null>> & {
    typicalGameMinutes?: number;
    noShowMinutes?: number | null;
    distanceUnit?: DistanceUnit;
    timeZone?: string | null;
    sponsorLine?: string | null;
  };

function checkText(errors: Record<string, string>, field: string, text: string, max: number, required: boolean) {
  if (!text) {
    if (required) errors[field] = 'is required';
  } else if (text.length > max) errors[field] = `must be at most ${max} characters`;
  else {
    const unknown = unknownPlaceholders(text);
    if (unknown.length)
      errors[field] =
        `uses unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; ` +
        'use {firstName}, {position}, {eta}, {link} or {url}';
  }
}

export function normalizeShowInput(input: ShowFields): NormalizedShow {
  const errors: Record<string, string> = {};
  const name = input.name.trim();
  if (!name) errors.name = 'is required';
  else if (name.length > 120) errors.name = 'must be at most 120 characters';
  if (!DATE.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`)))
    errors.date = 'must be a date YYYY-MM-DD';
  const welcomeMessage = input.welcomeMessage.trim();
  const recallMessage = input.recallMessage.trim();
  const souvenirMessage = input.souvenirMessage.trim();
  checkText(errors, 'welcomeMessage', welcomeMessage, SMS_MAX, true);
  checkText(errors, 'recallMessage', recallMessage, SMS_MAX, true);
  checkText(errors, 'souvenirMessage', souvenirMessage, SOUVENIR_MAX, false);
  if (!errors.souvenirMessage && !souvenirMessage.includes('{url}'))
    errors.souvenirMessage = 'must contain {url} (the souvenir link)';
  const out: NormalizedShow = { name, date: input.date, welcomeMessage, recallMessage, souvenirMessage };
  for (const field of OPTIONAL_TEXTS) {
    const raw = input[field];
    if (raw === undefined) continue;
    // Blank or null: back to the default text.
    const text = raw?.trim() || null;
    if (text) checkText(errors, field, text, SMS_MAX, false);
    out[field] = text;
  }
  if (input.typicalGameMinutes !== undefined && input.typicalGameMinutes !== null) {
    const m = input.typicalGameMinutes;
    if (!Number.isInteger(m) || m < 1 || m > 120) errors.typicalGameMinutes = 'must be a whole number from 1 to 120';
    else out.typicalGameMinutes = m;
  }
  if (input.noShowMinutes !== undefined) {
    const m = input.noShowMinutes;
    if (m !== null && (!Number.isInteger(m) || m < 1 || m > 24 * 60))
      errors.noShowMinutes = 'must be a whole number from 1 to 1440, or null for the NO_SHOW_MINUTES setting';
    else out.noShowMinutes = m;
  }
  if (input.distanceUnit !== undefined) {
    const unit = input.distanceUnit ?? DEFAULT_DISTANCE_UNIT;
    if (!(DISTANCE_UNITS as readonly string[]).includes(unit))
      errors.distanceUnit = `must be ${DISTANCE_UNITS.join(' or ')}`;
    else out.distanceUnit = unit as DistanceUnit;
  }
  if (input.timeZone !== undefined) {
    const tz = input.timeZone?.trim() || null;
    if (tz && !isTimeZone(tz)) errors.timeZone = 'must be a time zone such as America/New_York';
    else out.timeZone = tz;
  }
  if (input.sponsorLine !== undefined) {
    const line = input.sponsorLine?.trim().replace(/\s+/g, ' ') || null;
    if (line && line.length > SPONSOR_LINE_MAX) errors.sponsorLine = `must be at most ${SPONSOR_LINE_MAX} characters`;
    else out.sponsorLine = line;
  }
  if (Object.keys(errors).length) throw new BadInputError(errors);
  return out;
}

export function normalizeTeamInput(input: { name: string; color: string }): { name: string; color: string } {
  const errors: Record<string, string> = {};
  const name = input.name.trim();
  const color = input.color.trim();
  if (!name) errors.name = 'is required';
  else if (name.length > 64) errors.name = 'must be at most 64 characters';
  if (!HEX_COLOR.test(color)) errors.color = 'must be a hex colour like #1A2B3C';
  if (Object.keys(errors).length) throw new BadInputError(errors);
  return { name, color: color.toUpperCase() };
}
