import type { Diagnostic, Project } from '../model/index.js';
import { RULES } from './rules/index.js';
import type { Rule } from './rule.js';

/** Runs every rule over a loaded project; findings sorted by file, line, column, rule. */
export function validateProject(project: Project, rules: readonly Rule[] = RULES): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const rule of rules) out.push(...rule.check(project));
  return sortDiagnostics(out);
}

/** Deterministic order: by file, line, column, rule, then message. Findings without a position come first. */
export function sortDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) =>
    compare(a.pos?.file ?? '', b.pos?.file ?? '') || (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0) ||
    compare(a.rule, b.rule) || compare(a.message, b.message));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
