import type { Diagnostic, FieldPositions, Profile, Project, Severity, SourcePos } from '../model/index.js';
import { isAbsolute } from 'node:path';

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

/**
 * The profiles whose content is checked: those machines use (with their extends chains) and every profile written in
 * the rollout repository itself. A shipped profile nobody uses is not the repository's business.
 */
export function profilesToCheck(project: Project): Profile[] {
  const used = new Set<string>();
  for (const m of project.machines) {
    for (let name: string | undefined = m.role; name !== undefined && !used.has(name); name = project.profiles.get(name)?.extends) used.add(name);
  }
  const own = (file: string) => !isAbsolute(file) && !file.startsWith('..');
  return [...project.profiles.values()].filter((p) => used.has(p.name) || own(p.pos.file));
}
