import { printable } from './printable.js';

/** Where a value came from, so every message can say file:line:col. */
export interface SourcePos {
  file: string; // path relative to the project root (or absolute when outside it)
  line: number; // 1-based
  col: number; // 1-based
  column?: string; // in a CSV: the header of the cell's column, named in messages
}

export type Severity = 'error' | 'warning';

/** One finding of load or validate: `inventory/bruehl.yaml:42:7 machine BRU-D0042: ... [unknown-user]`. */
export interface Diagnostic {
  rule: string; // stable id, e.g. unknown-user, schema, yaml-syntax
  severity: Severity;
  message: string;
  pos?: SourcePos;
  machine?: string; // the machine the finding is about, when there is one
  skipped?: true; // the rule's check did not run (e.g. no pwsh for the PowerShell syntax check): not a pass
}

export function formatPos(pos: SourcePos | undefined): string {
  return pos ? `${pos.file}:${pos.line}:${pos.col}` : '';
}

/** The message, naming the CSV column the finding is in when its position knows it (and the message does not yet). */
export function diagnosticText(d: Diagnostic): string {
  const column = d.pos?.column;
  return column !== undefined && column !== '' && !d.message.includes(column) ? `${d.message} (column ${JSON.stringify(column)})` : d.message;
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pos ? `${printable(formatPos(d.pos))} ` : '';
  const sev = d.severity === 'warning' ? 'warning: ' : '';
  return `${where}${sev}${printable(diagnosticText(d))} [${d.rule}]`;
}
