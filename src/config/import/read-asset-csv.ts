import { parse } from 'csv-parse/sync';
import type { Diagnostic, SourcePos } from '../../model/index.js';
import { createDiagnostic } from '../diagnostics.js';

/** One record of the export with the position of each cell. */
export interface AssetRow {
  cells: string[];
  line: number;
  cols: number[]; // 1-based column where each cell starts
}

interface CsvRecord { record: string[]; info: { lines: number } }

/** Parses an asset export: header row first; `,` or `;` separated (whichever the header uses more); a BOM is ignored. */
export function readAssetCsv(text: string, file: string, diags: Diagnostic[]): { header: AssetRow; rows: AssetRow[] } | null {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const firstLine = body.slice(0, body.indexOf('\n') === -1 ? body.length : body.indexOf('\n'));
  const delimiter = count(firstLine, ';') > count(firstLine, ',') ? ';' : ',';
  let records: CsvRecord[];
  try {
    records = parse(body, { info: true, delimiter, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as unknown as CsvRecord[];
  } catch (err) {
    const e = err as { message: string; lines?: number };
    diags.push(createDiagnostic('csv-syntax', `CSV syntax error: ${e.message.replace(/ at line \d+.*$/, '')}`, { file, line: e.lines ?? 1, col: 1 }));
    return null;
  }
  if (records.length === 0) {
    diags.push(createDiagnostic('empty-file', `${file} has no header row`, { file, line: 1, col: 1 }));
    return null;
  }
  const lines = body.split('\n');
  const rows = records.map((r) => {
    const line = startLine(r);
    return { cells: r.record, line, cols: cellColumns(lines[line - 1] ?? '', delimiter) };
  });
  return { header: rows[0], rows: rows.slice(1) };
}

export function cellPos(file: string, row: AssetRow, index: number): SourcePos {
  return { file, line: row.line, col: row.cols[index] ?? 1 };
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
