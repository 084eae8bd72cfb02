import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageSize, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../../src/domain/cursor.js';
import { BadInputError } from '../../src/domain/errors.js';
import { parseId } from '../../src/domain/ids.js';

const TS = '2024-07-01 18:00:00.123456+00';

describe('cursors', () => {
  it('round-trip the order, key and id and look opaque', () => {
    const c = { order: 'CREATED_ASC', key: [TS], id: 42 };
    const raw = encodeCursor(c);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(raw).not.toContain('CREATED');
    expect(decodeCursor(raw, 'CREATED_ASC', ['timestamp'])).toEqual(c);
  });

  it('round-trip any integer keys (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1, max: 2 ** 31 }), fc.nat({ max: 2 ** 31 }), (score, id) => {
        const c = { order: 'SCORE_DESC', key: [score], id };
        expect(decodeCursor(encodeCursor(c), 'SCORE_DESC', ['int'])).toEqual(c);
      }),
    );
  });

  it('accept timestamps with offsets, without fractions, and infinity', () => {
    for (const ts of ['2024-07-01 11:00:00-07', '2024-07-01 11:00:00.5+05:30', '2024-02-29 23:59:59+00', '-infinity']) {
      expect(decodeCursor(encodeCursor({ order: 'X', key: [ts], id: 1 }), 'X', ['timestamp']).key).toEqual([ts]);
    }
  });

  it.each([
    ['empty', ''],
    ['not base64', 'a b c'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['wrong shape', Buffer.from(JSON.stringify({ a: 1 })).toString('base64url')],
    ['wrong key kind', encodeCursor({ order: 'CREATED_ASC', key: [5], id: 1 })],
    ['SQL in the key', encodeCursor({ order: 'CREATED_ASC', key: ["2024-01-01'; drop table games; --"], id: 1 })],
    ['negative id', encodeCursor({ order: 'CREATED_ASC', key: [TS], id: -1 })],
    ['fractional id', encodeCursor({ order: 'CREATED_ASC', key: [TS], id: 1.5 })],
    ['too many key parts', encodeCursor({ order: 'CREATED_ASC', key: [TS, TS], id: 1 })],
    ['huge', 'A'.repeat(600)],
    ['year 0', encodeCursor({ order: 'CREATED_ASC', key: ['0000-01-01 00:00:00+00'], id: 1 })],
    ['month 13', encodeCursor({ order: 'CREATED_ASC', key: ['2024-13-01 00:00:00+00'], id: 1 })],
    ['30 February', encodeCursor({ order: 'CREATED_ASC', key: ['2024-02-30 00:00:00+00'], id: 1 })],
    ['minute 60', encodeCursor({ order: 'CREATED_ASC', key: ['2024-02-01 10:60:00+00'], id: 1 })],
    ['offset of 99 hours', encodeCursor({ order: 'CREATED_ASC', key: ['2024-02-01 10:00:00+99'], id: 1 })],
  ])('reject a malformed cursor (%s) as BAD_USER_INPUT on `after`', (_name, raw) => {
    try {
      decodeCursor(raw, 'CREATED_ASC', ['timestamp']);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(BadInputError);
      expect((err as BadInputError).fields).toHaveProperty('after');
    }
  });

  it('reject a cursor of another ordering, saying so', () => {
    const raw = encodeCursor({ order: 'SCORE_DESC', key: [3], id: 1 });
    expect(() => decodeCursor(raw, 'CREATED_ASC', ['timestamp'])).toThrow(/SCORE_DESC/);
  });
});

describe('pageSize', () => {
  it('defaults, accepts 1..max, rejects the rest', () => {
    expect(pageSize(undefined)).toBe(PAGE_SIZE_DEFAULT);
    expect(pageSize(null)).toBe(PAGE_SIZE_DEFAULT);
    expect(pageSize(1)).toBe(1);
    expect(pageSize(PAGE_SIZE_MAX)).toBe(PAGE_SIZE_MAX);
    for (const bad of [0, -1, PAGE_SIZE_MAX + 1, 2.5]) {
      expect(() => pageSize(bad)).toThrow(BadInputError);
    }
    expect(() => pageSize(101)).toThrow(/from 1 to 100/);
  });
});

describe('parseId', () => {
  it('reads positive integers and refuses everything else', () => {
    expect(parseId('17')).toBe(17);
    expect(parseId(3)).toBe(3);
    for (const bad of ['0', '-1', 'abc', '1.5', '', '99999999999'])
      expect(() => parseId(bad, 'showId')).toThrow(/showId/);
  });
});
