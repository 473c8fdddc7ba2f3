import { parse } from 'csv-parse/sync';
import { quoteCsvField, toCsv } from '../../src/report/index.js';

describe('csv', () => {
  it('quotes commas, quotes, newlines and edge spaces, and reads back with a real parser', () => {
    const rows = [
      ['BRU-D0001', 'apply exited 3: mailbox "anna" not found, sorry', 3, true],
      ['BRU-D0002', 'line one\nline two\r\nline three', null, false],
      ['BRU-D0003', ' padded ', 0, false],
      ['BRU-D0004', 'O\'Brien; $(reboot) `x`', 1, false],
    ];
    const text = toCsv(['machine', 'message', 'attempts', 'escalated'], rows);
    expect(text.split('\r\n')[1]).toBe('BRU-D0001,"apply exited 3: mailbox ""anna"" not found, sorry",3,true');
    const back = parse(text, { columns: true }) as Record<string, string>[];
    expect(back.map((r) => r.message)).toEqual(rows.map((r) => r[1]));
    expect(back[1].attempts).toBe('');
  });
  it('keeps spreadsheet formulas from running', () => {
    expect(quoteCsvField('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(quoteCsvField('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(quoteCsvField('-1 is fine')).toBe('-1 is fine');
  });
});
