// CSV for spreadsheets (RFC 4180, CRLF) through csv-stringify. Staff open exports in Excel or
// Sheets, where a player-typed "=HYPERLINK(...)" would run: such cells get a leading apostrophe
// (escape_formulas), numbers never do. Dates are ISO 8601, booleans true/false.
import { stringify, type Stringifier } from 'csv-stringify';

export type CsvValue = string | number | boolean | Date | null | undefined;

export function csvStringifier(columns: readonly string[]): Stringifier {
  return stringify({
    header: true,
    columns: [...columns],
    record_delimiter: 'windows',
    escape_formulas: true,
    // A line break inside a cell must be quoted too, not only the CRLF that ends a record.
    quoted_match: /[\r\n]/,
    cast: { date: (d) => d.toISOString(), boolean: (b) => String(b) },
  });
}
