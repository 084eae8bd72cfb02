import { describe, expect, it } from 'vitest';
import { csvStringifier, type CsvValue } from '../../src/http/csv.js';

/** The CSV text of one header and these records, as the export writes it. */
async function csv(records: CsvValue[][], columns = records[0]!.map((_, i) => `c${i}`)): Promise<string> {
  const out: string[] = [];
  const s = csvStringifier(columns);
  s.on('data', (chunk) => out.push(String(chunk)));
  const ended = new Promise((resolve, reject) => (s.on('end', resolve), s.on('error', reject)));
  for (const r of records) s.write(r);
  s.end();
  await ended;
  return out.join('');
}
const cell = async (value: CsvValue) => (await csv([[value]])).split('\r\n')[1]!;

describe('export CSV', () => {
  it('leaves plain text and numbers alone, empties null, writes dates as ISO 8601', async () => {
    expect(await cell('Ada')).toBe('Ada');
    expect(await cell(42)).toBe('42');
    expect(await cell(-3)).toBe('-3'); // numbers are ours, never formulas
    expect(await cell(null)).toBe('');
    expect(await cell(undefined)).toBe('');
    expect(await cell(true)).toBe('true');
    expect(await cell(new Date('2024-07-01T10:00:00Z'))).toBe('2024-07-01T10:00:00.000Z');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', async () => {
    expect(await cell('Smith, Jr')).toBe('"Smith, Jr"');
    expect(await cell('say "hi"')).toBe('"say ""hi"""');
    expect((await csv([['two\nlines']])).endsWith('"two\nlines"\r\n')).toBe(true);
    expect((await csv([['cr\rhere']])).endsWith('"cr\rhere"\r\n')).toBe(true);
  });

  it.each(['=1+1', '+14155550100', '-2', '@SUM(A1)', '\tx', '=HYPERLINK("http://x","y")'])(
    'defuses a formula-like cell %j',
    async (text) => {
      const out = await csv([[text]]);
      const value = out.slice(out.indexOf('\r\n') + 2, -2);
      const unquoted = value.startsWith('"') ? value.slice(1, -1).replaceAll('""', '"') : value;
      expect(unquoted).toBe(`'${text}`);
    },
  );

  it('writes the header, joins cells with commas and ends every line with CRLF', async () => {
    expect(await csv([[1, 'a,b', null, '=x']], ['id', 'name', 'email', 'note'])).toBe(
      `id,name,email,note\r\n1,"a,b",,'=x\r\n`,
    );
  });
});
