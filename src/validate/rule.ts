import type { Diagnostic, FieldPositions, Project, Severity, SourcePos } from '../model/index.js';

/** One cross-reference check: a stable id and a pure function of the loaded project. */
export interface Rule {
  id: string;
  severity: Severity;
  description: string;
  check(project: Project): Diagnostic[];
}

/** Where a field's value was written, falling back to the entity itself. */
export function fieldAt(entity: { pos: SourcePos; fieldPos?: FieldPositions }, ...keys: string[]): SourcePos {
  for (const key of keys) {
    const pos = entity.fieldPos?.[key];
    if (pos) return pos;
  }
  return entity.pos;
}

export function formatWhere(pos: SourcePos): string {
  return `${pos.file}:${pos.line}`;
}

/** A diagnostic builder bound to one rule. */
export function reporter(rule: Pick<Rule, 'id' | 'severity'>): (message: string, pos: SourcePos, machine?: string) => Diagnostic {
  return (message, pos, machine) => {
    const d: Diagnostic = { rule: rule.id, severity: rule.severity, message, pos };
    if (machine !== undefined) d.machine = machine;
    return d;
  };
}
