import { describe, expect, it } from 'vitest';
import { etaText, renderMessage, unknownPlaceholders } from '../../src/domain/messages.js';
import { normalizeShowInput } from '../../src/domain/show-input.js';
import { smsCommand } from '../../src/domain/sms-keywords.js';
import { estimateWaits } from '../../src/domain/wait-estimate.js';

describe('smsCommand', () => {
  it.each([
    ['STOP', 'optOut'],
    ['stop please', 'optOut'],
    ['Unsubscribe', 'optOut'],
    ['cancel', 'optOut'],
    ['END', 'optOut'],
    ['quit!', 'optOut'],
    ['STOPALL', 'optOut'],
    ['start', 'optIn'],
    ['Unstop', 'optIn'],
    ['yes', 'optIn'],
    ['help', 'help'],
    ['  Info ', 'help'],
    ['LEAVE', 'leave'],
    ['leave the line', 'leave'],
    ['Late, sorry', 'late'],
    ['hello', 'other'],
    ['', 'other'],
    ['stopping by later', 'other'],
  ] as const)('%j is %s', (body, command) => {
    expect(smsCommand(body)).toBe(command);
  });
});

describe('placeholders', () => {
  it('fills every placeholder and drops one without a value', () => {
    expect(
      renderMessage('Hi {firstName}, number {position}, wait {eta}: {link} {url}', {
        firstName: 'Ada',
        position: 3,
        eta: '12 min',
        link: 'https://x/p/t',
        url: 'https://x/s/c',
      }),
    ).toBe('Hi Ada, number 3, wait 12 min: https://x/p/t https://x/s/c');
    expect(renderMessage('You are number {position} in line', { position: null })).toBe('You are number in line');
  });

  it('names the unknown ones, once each', () => {
    expect(unknownPlaceholders('Hi {firstName} {name} {pos} {name} {url}')).toEqual(['{name}', '{pos}']);
    expect(unknownPlaceholders('{firstName}{position}{eta}{link}{url}')).toEqual([]);
  });

  it('writes the wait in whole minutes, or "soon"', () => {
    expect([etaText(null), etaText(0), etaText(59), etaText(60), etaText(749)]).toEqual([
      'soon',
      'soon',
      'soon',
      '1 min',
      '12 min',
    ]);
  });
});

describe('show validation', () => {
  const show = {
    name: 'Derby',
    date: '2031-07-04',
    welcomeMessage: 'Hi {firstName}',
    recallMessage: 'Come back',
    souvenirMessage: 'See {url}',
  };

  it('refuses unknown placeholders in any text, naming them', () => {
    let error: unknown;
    try {
      normalizeShowInput({ ...show, welcomeMessage: 'Hi {first_name}, you are {place}', lateMessage: 'ok {when}' });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: {
        welcomeMessage: expect.stringContaining('{first_name}, {place}'),
        lateMessage: expect.stringContaining('{when}'),
      },
    });
  });

  it('keeps absent optional fields absent and turns blank ones back to the default (null)', () => {
    expect(normalizeShowInput(show)).toEqual(show);
    expect(normalizeShowInput({ ...show, helpMessage: '  ', noShowMinutes: 12, typicalGameMinutes: 5 })).toEqual({
      ...show,
      helpMessage: null,
      noShowMinutes: 12,
      typicalGameMinutes: 5,
    });
    expect(() => normalizeShowInput({ ...show, typicalGameMinutes: 0 })).toThrow(/typicalGameMinutes/);
  });
});

describe('wait estimate before the show has history', () => {
  it("uses the show's typical game length until three games have completed", () => {
    const base = { playingElapsedSeconds: [], aheadOfQueue: 0, waiting: 3, typicalSeconds: 240 };
    expect(estimateWaits({ ...base, recentDurationsSeconds: [] })).toEqual([0, 240, 480]);
    expect(estimateWaits({ ...base, recentDurationsSeconds: [100, 100] })).toEqual([0, 240, 480]);
    expect(estimateWaits({ ...base, recentDurationsSeconds: [100, 100, 100] })).toEqual([0, 100, 200]);
  });
});
