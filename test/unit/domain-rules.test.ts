import { describe, expect, it } from 'vitest';
import { renderMessage } from '../../src/domain/messages.js';
import { checkResult } from '../../src/domain/result.js';
import { normalizeShowInput, normalizeTeamInput } from '../../src/domain/show-input.js';
import { fieldsOf } from '../helpers/errors.js';

describe('message templates', () => {
  it('fills every placeholder', () => {
    expect(
      renderMessage('Hi {firstName}, you are #{position}: {url}', {
        firstName: 'Ada',
        position: 3,
        url: 'http://x/s/ab',
      }),
    ).toBe('Hi Ada, you are #3: http://x/s/ab');
  });

  it('leaves no raw braces for a missing value', () => {
    const text = renderMessage('Hi {firstName}, come back now {position}!', { firstName: 'Ada' });
    expect(text).toBe('Hi Ada, come back now!');
    expect(renderMessage('Hi {firstName}, go', {})).toBe('Hi, go');
  });

  it('leaves unknown braces alone', () => {
    expect(renderMessage('{other} {firstName}', { firstName: 'A' })).toBe('{other} A');
  });
});

describe('game result', () => {
  it('accepts whole numbers from zero', () => {
    expect(checkResult({ score: 0, distance: 410, homeruns: 3 })).toEqual({ score: 0, distance: 410, homeruns: 3 });
  });

  it('names every bad number', () => {
    expect(Object.keys(fieldsOf(() => checkResult({ score: -1, distance: 1.5, homeruns: Number.NaN })))).toEqual([
      'score',
      'distance',
      'homeruns',
    ]);
  });
});

describe('show input', () => {
  const ok = {
    name: ' Derby ',
    date: '2025-07-14',
    welcomeMessage: 'Hi {firstName}',
    recallMessage: 'Come back',
    souvenirMessage: 'Here: {url}',
  };

  it('trims and accepts a valid show', () => {
    expect(normalizeShowInput(ok).name).toBe('Derby');
  });

  it('limits SMS lengths and requires {url} in the souvenir message', () => {
    const fields = fieldsOf(() =>
      normalizeShowInput({
        ...ok,
        welcomeMessage: 'w'.repeat(161),
        recallMessage: 'r'.repeat(161),
        souvenirMessage: 'no link',
      }),
    );
    expect(Object.keys(fields).sort()).toEqual(['recallMessage', 'souvenirMessage', 'welcomeMessage']);
    expect(fields.souvenirMessage).toMatch(/\{url\}/);
    expect(fieldsOf(() => normalizeShowInput({ ...ok, souvenirMessage: `${'s'.repeat(126)}{url}` }))).toHaveProperty(
      'souvenirMessage',
    );
    expect(normalizeShowInput({ ...ok, welcomeMessage: 'w'.repeat(160) }).welcomeMessage).toHaveLength(160);
  });

  it('refuses an impossible date and a blank name', () => {
    expect(Object.keys(fieldsOf(() => normalizeShowInput({ ...ok, name: ' ', date: '2025-13-45' }))).sort()).toEqual([
      'date',
      'name',
    ]);
  });
});

describe('team input', () => {
  it('needs a #RRGGBB colour and a name', () => {
    expect(normalizeTeamInput({ name: ' Cubs ', color: '#0e3386' })).toEqual({ name: 'Cubs', color: '#0E3386' });
    expect(Object.keys(fieldsOf(() => normalizeTeamInput({ name: '', color: 'blue' }))).sort()).toEqual([
      'color',
      'name',
    ]);
    expect(fieldsOf(() => normalizeTeamInput({ name: 'x', color: '#12345' }))).toHaveProperty('color');
  });
});
