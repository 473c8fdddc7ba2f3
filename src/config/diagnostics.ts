import path from 'node:path';
import type { Diagnostic, Severity, SourcePos } from '../model/index.js';

/** Builds one finding; load and validate use the same shape. */
export function createDiagnostic(rule: string, message: string, pos?: SourcePos, severity: Severity = 'error', machine?: string): Diagnostic {
  const d: Diagnostic = { rule, severity, message };
  if (pos) d.pos = pos;
  if (machine !== undefined) d.machine = machine;
  return d;
}

export function hasErrors(diags: Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** The name a file gets in messages: relative to the project root when inside it, absolute otherwise. */
export function displayPath(root: string, abs: string): string {
  const rel = path.relative(root, abs);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return abs.split(path.sep).join('/');
  return rel.split(path.sep).join('/');
}

export function startOf(file: string): SourcePos {
  return { file, line: 1, col: 1 };
}
