import { parse } from 'csv-parse/sync';
import type { Diagnostic, SourcePos } from '../../model/index.js';
import { createDiagnostic } from '../diagnostics.js';

/** One record of the export with the position of each cell. */
export interface ExportRow {
  cells: string[];
  line: number;
  cols: number[]; // 1-based column where each cell starts
}

export interface ExportTable {
  header: ExportRow;
  rows: ExportRow[];
  delimiter: Delimiter;
  skipped: number; // blank and separator-only rows (`;;;;`), left out
}

type Delimiter = ',' | ';' | '\t';
interface CsvRecord { record: string[]; info: { lines: number } }

/**
 * Parses an export (text already decoded): header row first; the delimiter is the one of `;` `,` tab the header line
 * holds most of outside quotes (German Excel writes `;`, "Unicode text" tabs); rows that are blank or only separators
 * are skipped and counted.
 */
export function readExportCsv(text: string, file: string, diags: Diagnostic[]): ExportTable | null {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = body.split('\n');
  const delimiter = sniffDelimiter(lines.find((l) => l.trim() !== '') ?? '');
  let records: CsvRecord[];
  try {
    records = parse(body, { info: true, delimiter, relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as unknown as CsvRecord[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    diags.push(createDiagnostic('csv-syntax', `CSV syntax error: ${e.message.replace(/ at line \d+.*$/, '')}`, { file, line: e.lines ?? 1, col: 1 }));
    return null;
  }
  const kept = records.filter((r) => r.record.some((cell) => cell.trim() !== ''));
  if (kept.length === 0) {
    diags.push(createDiagnostic('empty-file', `${file} has no header row`, { file, line: 1, col: 1 }));
    return null;
  }
  const rows = kept.map((r) => {
    const line = startLine(r);
    return { cells: r.record, line, cols: cellColumns(lines[line - 1] ?? '', delimiter) };
  });
  return { header: rows[0], rows: rows.slice(1), delimiter, skipped: records.length - kept.length };
}

/** Where cell i of a row is, naming the column by its header. */
export function cellPos(file: string, row: ExportRow, index: number, header?: ExportRow): SourcePos {
  const pos: SourcePos = { file, line: row.line, col: row.cols[index] ?? 1 };
  const name = header?.cells[index]?.trim();
  if (name) pos.column = name;
  return pos;
}

export function delimiterName(d: Delimiter): string {
  return d === '\t' ? 'tab' : `'${d}'`;
}

function sniffDelimiter(line: string): Delimiter {
  const counts = { ';': 0, ',': 0, '\t': 0 };
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch in counts) counts[ch as Delimiter]++;
  }
  const best = (Object.keys(counts) as Delimiter[]).sort((a, b) => counts[b] - counts[a])[0];
  return counts[best] > 0 ? best : ',';
}

function count(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/** The line a record starts on: csv-parse reports the line it ends on. */
function startLine(r: CsvRecord): number {
  let inner = 0;
  for (const cell of r.record) inner += count(cell, '\n');
  return r.info.lines - inner;
}

/** 1-based columns where each cell of a line starts (quote-aware). */
function cellColumns(line: string, delimiter: string): number[] {
  const cols = [1];
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) cols.push(i + 2);
  }
  return cols;
}
