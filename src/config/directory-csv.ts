import { createRequire } from 'node:module';
import type { Options } from 'csv-parse/sync';
import type { Diagnostic, Employee, FieldPositions, SourcePos } from '../model/index.js';
import { createDiagnostic } from './diagnostics.js';
import { defineLazyPositions } from './fast-yaml.js';
import { csvTextNeedsCellChecks, describeProblem, findTextProblem } from './text-policy.js';

type Field = 'id' | 'firstName' | 'lastName' | 'mailbox' | 'site' | 'role';
const REQUIRED: Field[] = ['id', 'firstName', 'lastName', 'mailbox', 'site'];
const HEADER_NAMES: Record<string, Field> = {
  id: 'id', employeeid: 'id', firstname: 'firstName', lastname: 'lastName',
  mailbox: 'mailbox', email: 'mailbox', mail: 'mailbox', site: 'site', role: 'role',
};

export interface CsvRow { record: string[]; info: { lines: number } }

// The full CSV parser loads only for an export with quotes or carriage returns (plain rows are split here).
let csvParse: ((text: string, options: Options) => unknown) | null = null;
function parse(text: string, options: Options): unknown {
  csvParse ??= (createRequire(import.meta.url)('csv-parse/sync') as { parse: (text: string, options: Options) => unknown }).parse;
  return csvParse(text, options);
}

export const CSV_OPTIONS: Options = {
  info: true, comment: '#', comment_no_infix: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'],
};

/** Parses a directory CSV export (header row, `#` comment lines allowed); positions are the cells' line and column. */
/** reject: called with the id of a row left out for its errors, or null when no row could be read. */
export function loadEmployeesCsv(text: string, file: string, diags: Diagnostic[], reject: (id: string | null) => void = () => {}): Employee[] {
  let rows: CsvRow[];
  let plain = false;
  try {
    const fast = plainCsvRows(text);
    plain = fast !== null;
    rows = fast ?? (parse(text, CSV_OPTIONS) as unknown as CsvRow[]);
  } catch (err) {
    const e = err as { message: string; lines?: number; code?: string };
    diags.push(createDiagnostic('csv-syntax', `CSV syntax error: ${e.message.replace(/ at line \d+.*$/, '')}`, { file, line: e.lines ?? 1, col: 1 }));
    reject(null);
    return [];
  }
  if (rows.length === 0) {
    diags.push(createDiagnostic('empty-file', `${file} has no header row`, { file, line: 1, col: 1 }));
    reject(null);
    return [];
  }
  const lines = text.split('\n');
  const header = rows[0];
  const columns = mapHeader(header, file, cellColumns(lines[startLine(header) - 1] ?? ''), diags);
  if (!columns) {
    reject(null);
    return [];
  }
  const out: Employee[] = [];
  // a plain export without a character the text policy speaks of, anywhere: no cell needs checking one by one
  const checkCells = !plain || csvTextNeedsCellChecks(text);
  for (const row of rows.slice(1)) {
    const line = startLine(row);
    const employee = toEmployee(row.record, columns, header.record.length, { file, line, lines, names: header.record }, diags, checkCells);
    if (employee) out.push(employee);
    else if (columns.includes('id')) reject(row.record[columns.indexOf('id')] ?? null);
  }
  return out;
}

function mapHeader(header: CsvRow, file: string, cols: number[], diags: Diagnostic[]): (Field | null)[] | null {
  const line = startLine(header);
  const other = header.record.length === 1 ? [';', '\t'].find((d) => header.record[0].includes(d)) : undefined;
  if (other !== undefined) {
    const name = other === ';' ? "';'" : 'tabs';
    diags.push(createDiagnostic('csv-header', `the header is separated by ${name}; a directory CSV is separated by ','. Convert the export with: homeshift directory import ${file}`, { file, line, col: 1 }));
    return null;
  }
  const fields = header.record.map((name, i) => {
    const field = HEADER_NAMES[name.trim().toLowerCase().replace(/[\s_-]/g, '')];
    if (!field) diags.push(createDiagnostic('csv-header', `unknown column '${name}' (expected id, firstName, lastName, mailbox, site, role)`, { file, line, col: cols[i] ?? 1 }));
    return field ?? null;
  });
  const missing = REQUIRED.filter((f) => !fields.includes(f));
  if (missing.length > 0) {
    diags.push(createDiagnostic('csv-header', `header row lacks column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (expected id, firstName, lastName, mailbox, site, role)`, { file, line, col: 1 }));
    return null;
  }
  return fields.some((f) => f === null) ? null : fields;
}

// Fields whose value is an id or an address: a suspect character there is an error, in names a warning.
const STRICT: ReadonlySet<Field> = new Set(['id', 'mailbox', 'site', 'role']);

interface RowAt { file: string; line: number; lines: string[]; names: string[]; cols?: number[] }

// Where each cell starts: found when a position is asked for (a finding, or an entity's pos read later).
function colsOf(at: RowAt): number[] {
  return (at.cols ??= cellColumns(at.lines[at.line - 1] ?? ''));
}

function toEmployee(cells: string[], columns: (Field | null)[], width: number, at: RowAt, diags: Diagnostic[], checkCells = true): Employee | null {
  const pos = (i: number): SourcePos => ({ file: at.file, line: at.line, col: colsOf(at)[i] ?? 1, column: at.names[i] });
  const rowPos = (): SourcePos => ({ file: at.file, line: at.line, col: 1 });
  if (cells.length !== width) {
    diags.push(createDiagnostic('schema', `row has ${cells.length} cells, the header has ${width}`, rowPos()));
    return null;
  }
  const values: Partial<Record<Field, string>> = {};
  const fieldPositions = (): FieldPositions => {
    const fieldPos: FieldPositions = {};
    columns.forEach((field, i) => {
      if (field) fieldPos[field] = pos(i);
    });
    return fieldPos;
  };
  columns.forEach((field, i) => {
    if (field) values[field] = cells[i];
  });
  if (checkCells) columns.forEach((field, i) => {
    const problem = field ? findTextProblem(cells[i]) : null;
    if (!field || !problem) return;
    const where = cellCharPos(at, i, problem.index);
    const who = values.id && !findTextProblem(values.id) ? `employee ${values.id}` : `employee on line ${at.line}`;
    const severity = problem.fatal || STRICT.has(field) ? 'error' : 'warning';
    diags.push(createDiagnostic('text-character', `${who}: ${describeProblem(field, problem, where.col)}`, where, severity));
  });
  const empty = REQUIRED.filter((f) => !values[f]?.trim());
  if (empty.length > 0) {
    const who = values.id ? `employee ${values.id}` : 'employee';
    diags.push(createDiagnostic('schema', `${who}: ${empty.join(', ')} must not be empty`, fieldPositions()[empty[0]] ?? pos(0)));
    return null;
  }
  const e = { id: values.id!, firstName: values.firstName!, lastName: values.lastName!, mailbox: values.mailbox!, site: values.site! } as Employee;
  if (values.role) e.role = values.role;
  defineLazyPositions(e, () => ({ pos: rowPos(), fieldPos: fieldPositions() }));
  return e;
}

/** Line and column of the index-th character of cell i: through the opening quote, doubled quotes and line breaks. */
function cellCharPos(at: RowAt, cell: number, index: number): SourcePos {
  let l = at.line - 1;
  let c = (colsOf(at)[cell] ?? 1) - 1;
  const quoted = at.lines[l]?.[c] === '"';
  if (quoted) c++;
  for (let k = 0; k < index; k++) {
    const text = at.lines[l] ?? '';
    if (c >= text.length) {
      l++;
      c = 0;
    } else c += quoted && text[c] === '"' ? 2 : 1;
  }
  return { file: at.file, line: l + 1, col: c + 1, column: at.names[cell] };
}

/**
 * The rows of a CSV without quotes or carriage returns (how directory exports mostly look), split as csv-parse splits
 * them with the options above, ~10x faster: one record a line, empty lines and lines starting with # left out.
 * null when the text needs the full parser.
 */
export function plainCsvRows(text: string): CsvRow[] | null {
  if (text.includes('"') || text.includes('\r')) return null;
  const rows: CsvRow[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || line[0] === '#') continue;
    rows.push({ record: line.split(','), info: { lines: i + 1 } });
  }
  return rows;
}

/** The line a record starts on: csv-parse reports the line it ends on. */
function startLine(row: CsvRow): number {
  let inner = 0;
  for (const cell of row.record) for (let i = cell.indexOf('\n'); i !== -1; i = cell.indexOf('\n', i + 1)) inner++;
  return row.info.lines - inner;
}

/** 1-based columns where each cell of a line starts (quote-aware). */
function cellColumns(line: string): number[] {
  const cols = [1];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) cols.push(i + 2);
  }
  return cols;
}
