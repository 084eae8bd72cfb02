import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from '../../src/domain/csv.js';

describe('csvCell', () => {
  it('leaves plain text and numbers alone and empties null', () => {
    expect(csvCell('Ada')).toBe('Ada');
    expect(csvCell(42)).toBe('42');
    expect(csvCell(-3)).toBe('-3'); // numbers are ours, never formulas
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(new Date('2024-07-01T10:00:00Z'))).toBe('2024-07-01T10:00:00.000Z');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('Smith, Jr')).toBe('"Smith, Jr"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"');
  });

  it.each(['=1+1', '+14155550100', '-2', '@SUM(A1)', '\tx', '=HYPERLINK("http://x","y")'])(
    'defuses a formula-like cell %j',
    (text) => {
      const cell = csvCell(text);
      const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replaceAll('""', '"') : cell;
      expect(unquoted).toBe(`'${text}`);
    },
  );
});

describe('csvRow', () => {
  it('joins cells with commas and ends with CRLF', () => {
    expect(csvRow([1, 'a,b', null, '=x'])).toBe(`1,"a,b",,'=x\r\n`);
  });
});
