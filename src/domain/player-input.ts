// Field rules for players, checked all at once so the tablet can mark every bad field in one go.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { BadInputError } from './errors.js';

export const HANDEDNESS = ['LEFT', 'RIGHT'] as const;
export type Handedness = (typeof HANDEDNESS)[number];

export const NAME_MAX = 64;
/** A sign-up identical to one this many seconds before (same show, names and number) is a double tap. */
export const SIGNUP_TWIN_SECONDS = 5;
export const PROFILE_ID_MAX = 128;
const EMAIL_MAX = 254;
// Deliberately loose: one @, no spaces, a dot in the domain. Deliverability is the SMS/e-mail provider's call.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/** What the client sent; `undefined` means "not given", `null` means "cleared". */
export interface RawPlayerInput {
  firstName?: string | null;
  lastName?: string | null;
  mobileNumber?: string | null;
  email?: string | null;
  team?: string | null;
  handedness?: Handedness | null;
  signedWaiver?: boolean | null;
  isFinalist?: boolean | null;
  profileId?: string | null;
}

/** Normalized values; only keys that were given are present (for updates). */
export interface PlayerFields {
  firstName?: string;
  lastName?: string | null;
  mobileNumber?: string | null;
  email?: string | null;
  /** Team name to look up; null = no team. */
  team?: string | null;
  handedness?: Handedness;
  signedWaiver?: boolean;
  isFinalist?: boolean;
  profileId?: string | null;
}

export interface Checked<T> {
  value: T;
  errors: Record<string, string>;
}

// Names are sent verbatim in texts from the official number: no links (a scheme, www., a domain)
// and no phone numbers (seven digits or more), so the booth cannot be used to send spam.
const LINK = /https?|:\/\/|www\.|[a-z0-9-]\.[a-z]{2,}/i;
const PHONE_DIGITS = 7;

/** Why a name may not be used, or null. */
export function nameProblem(name: string): string | null {
  if (LINK.test(name)) return 'may not contain a link';
  if ((name.match(/\d/g)?.length ?? 0) >= PHONE_DIGITS) return 'may not contain a phone number';
  return null;
}

const blankToNull = (v: string | null | undefined) => {
  const t = v?.trim();
  return t ? t : null;
};

/** E.164 for a valid number, null for blank, an error message otherwise. */
export function normalizeMobile(
  raw: string | null | undefined,
  region: string,
): { value: string | null } | { error: string } {
  const text = blankToNull(raw);
  if (text === null) return { value: null };
  const parsed = parsePhoneNumberFromString(text, region as never);
  if (!parsed || !parsed.isValid()) return { error: `is not a valid phone number (e.g. +1 415 555 2671)` };
  return { value: parsed.number };
}

export function isEmail(text: string): boolean {
  return text.length <= EMAIL_MAX && EMAIL.test(text);
}

/**
 * Checks and normalizes the fields present in `input`. `requireAll` (sign-up) makes firstName and
 * handedness mandatory and fills defaults; otherwise absent or null required fields mean "unchanged".
 */
export function checkPlayerInput(input: RawPlayerInput, region: string, requireAll: boolean): Checked<PlayerFields> {
  const errors: Record<string, string> = {};
  const value: PlayerFields = {};

  if (input.firstName != null || requireAll) {
    const first = input.firstName?.trim() ?? '';
    if (!first) errors.firstName = 'is required';
    else if (first.length > NAME_MAX) errors.firstName = `must be at most ${NAME_MAX} characters`;
    else if (nameProblem(first)) errors.firstName = nameProblem(first)!;
    else value.firstName = first;
  }
  if (input.lastName !== undefined) {
    const last = blankToNull(input.lastName);
    if (last && last.length > NAME_MAX) errors.lastName = `must be at most ${NAME_MAX} characters`;
    else if (last && nameProblem(last)) errors.lastName = nameProblem(last)!;
    else value.lastName = last;
  }
  if (input.mobileNumber !== undefined) {
    const mobile = normalizeMobile(input.mobileNumber, region);
    if ('error' in mobile) errors.mobileNumber = mobile.error;
    else value.mobileNumber = mobile.value;
  }
  if (input.email !== undefined) {
    const email = blankToNull(input.email);
    if (email && !isEmail(email)) errors.email = 'is not a valid e-mail address';
    else value.email = email;
  }
  if (input.team !== undefined) value.team = blankToNull(input.team);
  if (input.handedness != null) {
    if (input.handedness !== 'LEFT' && input.handedness !== 'RIGHT') errors.handedness = 'must be LEFT or RIGHT';
    else value.handedness = input.handedness;
  } else if (requireAll) errors.handedness = 'is required';
  if (input.signedWaiver != null || requireAll) value.signedWaiver = input.signedWaiver ?? false;
  if (input.isFinalist != null || requireAll) value.isFinalist = input.isFinalist ?? false;
  if (input.profileId !== undefined) {
    const profile = blankToNull(input.profileId);
    if (profile && profile.length > PROFILE_ID_MAX) errors.profileId = `must be at most ${PROFILE_ID_MAX} characters`;
    else value.profileId = profile;
  }
  return { value, errors };
}

/** Throws one BadInputError naming every bad field (plus any found by the caller, e.g. an unknown team). */
export function assertNoFieldErrors(...errorMaps: Array<Record<string, string>>): void {
  const all = Object.assign({}, ...errorMaps) as Record<string, string>;
  if (Object.keys(all).length) throw new BadInputError(all);
}

export function normalizeSignUp(
  input: RawPlayerInput,
  region: string,
): PlayerFields & { firstName: string; handedness: Handedness } {
  const { value, errors } = checkPlayerInput(input, region, true);
  assertNoFieldErrors(errors);
  return value as PlayerFields & { firstName: string; handedness: Handedness };
}

export function normalizePlayerUpdate(input: RawPlayerInput, region: string): PlayerFields {
  const { value, errors } = checkPlayerInput(input, region, false);
  assertNoFieldErrors(errors);
  return value;
}
