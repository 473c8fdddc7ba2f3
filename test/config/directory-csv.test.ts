import { parse } from 'csv-parse/sync';
import { CSV_OPTIONS, loadEmployeesCsv, plainCsvRows, type CsvRow } from '../../src/config/directory-csv.js';
import type { Diagnostic } from '../../src/model/index.js';
import { formatDiagnostic } from '../../src/model/index.js';

function load(text: string) {
  const diags: Diagnostic[] = [];
  const employees = loadEmployeesCsv(text, 'directory/e.csv', diags);
  return { employees, out: diags.map(formatDiagnostic) };
}

describe('directory CSV', () => {
  it('reads a header in any case and the usual aliases', () => {
    const { employees, out } = load('EMPLOYEE_ID,first_name,Last_Name,email,site\ne1,Anna,Müller,a@x.de,bruehl\n');
    expect(out).toEqual([]);
    expect(employees[0]).toMatchObject({ id: 'e1', firstName: 'Anna', lastName: 'Müller', mailbox: 'a@x.de', site: 'bruehl' });
    expect(employees[0].role).toBeUndefined();
  });

  it('gives each cell its line and column, also after quoted and multi-line cells', () => {
    const text = 'id,firstName,lastName,mailbox,site,role\n# a comment line\ne1,"Käthe ""Kati""","O\'Brien, Jr.",k@x.de,koeln,team-lead\r\ne2,"two\nlines",B,b@x.de,bonn,\n\ne3,C,D,c@x.de,bonn,back-office\n';
    const { employees, out } = load(text);
    expect(out).toEqual(['directory/e.csv:4:8 warning: employee e2: firstName has U+000A LINE FEED at column 8 [text-character]']);
    expect(employees.map((e) => [e.id, e.firstName, e.lastName])).toEqual([['e1', 'Käthe "Kati"', "O'Brien, Jr."], ['e2', 'two\nlines', 'B'], ['e3', 'C', 'D']]);
    expect(employees[0].pos).toEqual({ file: 'directory/e.csv', line: 3, col: 1 });
    expect(employees[0].fieldPos?.mailbox).toEqual({ file: 'directory/e.csv', line: 3, col: 36, column: 'mailbox' });
    expect(employees[1].pos.line).toBe(4);
    expect(employees[2].pos.line).toBe(7);
    expect(employees[2].fieldPos?.role).toEqual({ file: 'directory/e.csv', line: 7, col: 20, column: 'role' });
  });

  it('names missing and unknown columns', () => {
    expect(load('id,firstName,lastName,site\n').out).toEqual(['directory/e.csv:1:1 header row lacks column mailbox (expected id, firstName, lastName, mailbox, site, role) [csv-header]']);
    expect(load('id,firstName,lastName,mailbox,site,phone\n').out).toEqual(["directory/e.csv:1:36 unknown column 'phone' (expected id, firstName, lastName, mailbox, site, role) [csv-header]"]);
  });

  it('points a ;-separated export at directory import', () => {
    expect(load('Personalnummer;Vorname;Nachname;E-Mail;Standort\ne1;A;B;a@x.de;bruehl\n').out).toEqual([
      "directory/e.csv:1:1 the header is separated by ';'; a directory CSV is separated by ','. Convert the export with: homeshift directory import directory/e.csv [csv-header]",
    ]);
  });

  it('reports rows with the wrong number of cells or empty required cells, keeping the others', () => {
    const { employees, out } = load('id,firstName,lastName,mailbox,site\ne1,A,B,a@x.de\ne2,A,,b@x.de,bonn\ne3,A,B,c@x.de,bonn\n');
    expect(out).toEqual([
      'directory/e.csv:2:1 row has 4 cells, the header has 5 [schema]',
      'directory/e.csv:3:6 employee e2: lastName must not be empty [schema]',
    ]);
    expect(employees.map((e) => e.id)).toEqual(['e3']);
  });

  it('reports a CSV syntax error with its line', () => {
    const { employees, out } = load('id,firstName,lastName,mailbox,site\ne1,"A,B,a@x.de,bonn\n');
    expect(employees).toEqual([]);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^directory\/e\.csv:\d+:1 CSV syntax error: .*\[csv-syntax\]$/);
  });

  it('reports an empty export', () => {
    expect(load('# only a comment\n').out).toEqual(['directory/e.csv:1:1 directory/e.csv has no header row [empty-file]']);
  });
});

describe('plain CSV rows', () => {
  // A small generator (xorshift) so that every run tries the same texts.
  function texts(count: number): string[] {
    let x = 2463534242;
    const next = () => ((x ^= x << 13), (x ^= x >>> 17), (x ^= x << 5), (x >>> 0) / 4294967296);
    const alphabet = ['a', 'b', ',', ',', '\n', '\n', '#', ' ', 'ü', '\t', '\ufeff', 'e1'];
    return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
  }

  it('splits a text without quotes and carriage returns exactly as csv-parse does', () => {
    for (const text of ['id,firstName\ne1,Anna\n', '# export\nid,a\n\n#x\ne1,b', ' #x,1\n,\n  \n', ...texts(800)]) {
      const expected = (parse(text, CSV_OPTIONS) as unknown as CsvRow[]).map((r) => [r.record, r.info.lines]);
      expect({ text, rows: plainCsvRows(text)?.map((r) => [r.record, r.info.lines]) }).toEqual({ text, rows: expected });
    }
  });

  it('leaves quoted fields and carriage returns to csv-parse', () => {
    expect(plainCsvRows('id,name\ne1,"Keller, Jana"\n')).toBeNull();
    expect(plainCsvRows('id,name\r\ne1,Jana\r\n')).toBeNull();
  });
});
