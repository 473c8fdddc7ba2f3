export type Cell = string | number | boolean | null | undefined;

// Spreadsheets run cells starting with these as formulas; remote stderr must not become one.
const FORMULA_START = /^[=+@\t\r]/;

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF or edge spaces; quotes doubled. */
export function quoteCsvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document with a header row, CRLF line ends as RFC 4180 asks. */
export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((row) => row.map(quoteCsvField).join(',')).join('\r\n') + '\r\n';
}
