// Rules for a show and for a team, checked together so every bad field is reported at once.
import { BadInputError } from './errors.js';

export const SMS_MAX = 160;
/** Leaves room for a short link of up to 30 characters in one 160-character SMS. */
export const SOUVENIR_MAX = 130;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export interface ShowFields {
  name: string;
  date: string;
  welcomeMessage: string;
  recallMessage: string;
  souvenirMessage: string;
}

export function normalizeShowInput(input: ShowFields): ShowFields {
  const errors: Record<string, string> = {};
  const name = input.name.trim();
  if (!name) errors.name = 'is required';
  else if (name.length > 120) errors.name = 'must be at most 120 characters';
  if (!DATE.test(input.date) || Number.isNaN(Date.parse(`${input.date}T00:00:00Z`)))
    errors.date = 'must be a date YYYY-MM-DD';
  const welcomeMessage = input.welcomeMessage.trim();
  const recallMessage = input.recallMessage.trim();
  const souvenirMessage = input.souvenirMessage.trim();
  if (!welcomeMessage) errors.welcomeMessage = 'is required';
  else if (welcomeMessage.length > SMS_MAX) errors.welcomeMessage = `must be at most ${SMS_MAX} characters`;
  if (!recallMessage) errors.recallMessage = 'is required';
  else if (recallMessage.length > SMS_MAX) errors.recallMessage = `must be at most ${SMS_MAX} characters`;
  if (souvenirMessage.length > SOUVENIR_MAX) errors.souvenirMessage = `must be at most ${SOUVENIR_MAX} characters`;
  else if (!souvenirMessage.includes('{url}')) errors.souvenirMessage = 'must contain {url} (the souvenir link)';
  if (Object.keys(errors).length) throw new BadInputError(errors);
  return { name, date: input.date, welcomeMessage, recallMessage, souvenirMessage };
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
