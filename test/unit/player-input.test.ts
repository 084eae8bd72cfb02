import { describe, expect, it } from 'vitest';
import {
  checkPlayerInput,
  normalizeMobile,
  normalizePlayerUpdate,
  normalizeSignUp,
} from '../../src/domain/player-input.js';
import { fieldsOf } from '../helpers/errors.js';

const base = { firstName: 'Ada', handedness: 'RIGHT' as const };

describe('sign-up input', () => {
  it('trims, fills defaults and leaves optional fields empty', () => {
    expect(
      normalizeSignUp({ ...base, firstName: '  Ada  ', lastName: '  ', mobileNumber: '', email: ' ' }, 'US'),
    ).toEqual({
      firstName: 'Ada',
      lastName: null,
      mobileNumber: null,
      email: null,
      handedness: 'RIGHT',
      signedWaiver: false,
      isFinalist: false,
    });
  });

  it('requires a first name of 1 to 64 characters', () => {
    expect(fieldsOf(() => normalizeSignUp({ ...base, firstName: '   ' }, 'US'))).toEqual({ firstName: 'is required' });
    expect(fieldsOf(() => normalizeSignUp({ ...base, firstName: 'x'.repeat(65) }, 'US')).firstName).toMatch(/64/);
    expect(normalizeSignUp({ ...base, firstName: 'x'.repeat(64) }, 'US').firstName).toHaveLength(64);
  });

  it.each([
    ['a link', 'http://evil.example'],
    ['a bare scheme', 'Ada HTTPS//x'],
    ['www.', 'www.prize'],
    ['a domain', 'win-now.biz'],
    ['a domain with a path', 'Ada bit.ly/abc'],
    ['a phone number', 'Call 415 555 2671'],
    ['a phone number with signs', '+1 (415) 555-2671'],
  ])('refuses a first or last name with %s', (_what, name) => {
    expect(fieldsOf(() => normalizeSignUp({ ...base, firstName: name }, 'US')).firstName).toMatch(/link|phone/);
    expect(fieldsOf(() => normalizeSignUp({ ...base, lastName: name }, 'US')).lastName).toMatch(/link|phone/);
    expect(fieldsOf(() => normalizePlayerUpdate({ firstName: name }, 'US')).firstName).toMatch(/link|phone/);
  });

  it.each(["O'Brien", 'St. John', 'J.R.', 'Anne-Marie', 'José María', 'Louis XIV', 'Player 42', '李'])(
    'accepts the name %s',
    (name) => {
      expect(normalizeSignUp({ ...base, firstName: name, lastName: name }, 'US')).toMatchObject({
        firstName: name,
        lastName: name,
      });
    },
  );

  it('limits the last name to 64 characters', () => {
    expect(fieldsOf(() => normalizeSignUp({ ...base, lastName: 'y'.repeat(65) }, 'US'))).toHaveProperty('lastName');
  });

  it('normalizes mobile numbers to E.164 using the default region', () => {
    expect(normalizeSignUp({ ...base, mobileNumber: '(415) 555-2671' }, 'US').mobileNumber).toBe('+14155552671');
    expect(normalizeSignUp({ ...base, mobileNumber: '020 7946 0958' }, 'GB').mobileNumber).toBe('+442079460958');
    expect(normalizeSignUp({ ...base, mobileNumber: '+44 20 7946 0958' }, 'US').mobileNumber).toBe('+442079460958');
  });

  it.each(['12345', 'call me', '+1 555', '07911 123456'])('refuses the mobile number %j', (mobile) => {
    expect(fieldsOf(() => normalizeSignUp({ ...base, mobileNumber: mobile }, 'US'))).toHaveProperty('mobileNumber');
  });

  it.each(['a@b.co', 'first.last+tag@example.org'])('accepts the e-mail %j', (email) => {
    expect(normalizeSignUp({ ...base, email }, 'US').email).toBe(email);
  });

  it.each(['plain', 'a@b', 'a b@c.com', '@example.com', 'a@.com', `${'x'.repeat(250)}@e.com`])(
    'refuses the e-mail %j',
    (email) => {
      expect(fieldsOf(() => normalizeSignUp({ ...base, email }, 'US'))).toHaveProperty('email');
    },
  );

  it('reports every bad field at once', () => {
    const fields = fieldsOf(() =>
      normalizeSignUp(
        {
          firstName: '',
          lastName: 'z'.repeat(70),
          mobileNumber: 'nope',
          email: 'nope',
          handedness: null,
          profileId: 'p'.repeat(200),
        },
        'US',
      ),
    );
    expect(Object.keys(fields).sort()).toEqual([
      'email',
      'firstName',
      'handedness',
      'lastName',
      'mobileNumber',
      'profileId',
    ]);
  });

  it('keeps the team name and profile id, blank meaning none', () => {
    expect(normalizeSignUp({ ...base, team: ' Red Sox ', profileId: ' abc ' }, 'US')).toMatchObject({
      team: 'Red Sox',
      profileId: 'abc',
    });
    expect(normalizeSignUp({ ...base, team: '  ' }, 'US').team).toBeNull();
  });
});

describe('player update input', () => {
  it('keeps only the fields that were given', () => {
    expect(normalizePlayerUpdate({ lastName: 'Lovelace' }, 'US')).toEqual({ lastName: 'Lovelace' });
    expect(normalizePlayerUpdate({}, 'US')).toEqual({});
  });

  it('treats null required fields as unchanged and null optional fields as cleared', () => {
    expect(normalizePlayerUpdate({ firstName: null, handedness: null, mobileNumber: null, email: '' }, 'US')).toEqual({
      mobileNumber: null,
      email: null,
    });
  });

  it('refuses a blank first name', () => {
    expect(fieldsOf(() => normalizePlayerUpdate({ firstName: ' ' }, 'US'))).toEqual({ firstName: 'is required' });
  });

  it('returns errors without throwing from checkPlayerInput', () => {
    expect(checkPlayerInput({ email: 'x' }, 'US', false).errors).toHaveProperty('email');
  });
});

describe('normalizeMobile', () => {
  it('treats blank as none', () => {
    expect(normalizeMobile('  ', 'US')).toEqual({ value: null });
    expect(normalizeMobile(undefined, 'US')).toEqual({ value: null });
  });
});
