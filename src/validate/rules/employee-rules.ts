import type { Diagnostic, Employee, SourcePos } from '../../model/index.js';
import { DEFAULT_EMPLOYEE_ID_PATTERN } from '../../config/project-config.js';
import { hasSuspectText } from '../../config/text-policy.js';
import { findMixedScript } from '../look-alikes.js';
import { fieldAt, formatWhere, reporter, type Rule } from '../rule.js';

export const duplicateEmployeeId: Rule = {
  id: 'duplicate-employee-id', severity: 'error', description: 'every employee id appears once in the directory',
  check(project) {
    const report = reporter(this);
    const seen = new Map<string, Employee>();
    const out: Diagnostic[] = [];
    for (const e of project.employeeList) {
      const first = seen.get(e.id);
      if (first) out.push(report(`employee ${e.id}: id is already used at ${formatWhere(first.pos)}`, fieldAt(e, 'id')));
      else seen.set(e.id, e);
    }
    return out;
  },
};

export const duplicateMailbox: Rule = {
  id: 'duplicate-mailbox', severity: 'error', description: 'no two employees share a mailbox',
  check(project) {
    const report = reporter(this);
    const seen = new Map<string, Employee>();
    const out: Diagnostic[] = [];
    for (const e of project.employeeList) {
      const key = e.mailbox.toLowerCase();
      const first = seen.get(key);
      if (!first) seen.set(key, e);
      else if (first.id !== e.id) out.push(report(`employee ${e.id}: mailbox ${e.mailbox} is already employee ${first.id}'s (${formatWhere(first.pos)})`, fieldAt(e, 'mailbox')));
    }
    return out;
  },
};

export const mixedScript: Rule = {
  id: 'mixed-script', severity: 'warning', description: 'names do not mix look-alike letters of several scripts in one word',
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    const look = (owner: string, field: string, value: string, at: () => SourcePos) => {
      const why = findMixedScript(value);
      if (why) out.push(report(`${owner}: ${field} ${why}`, at()));
    };
    for (const e of project.employeeList) {
      look(`employee ${e.id}`, 'firstName', e.firstName, () => fieldAt(e, 'firstName'));
      look(`employee ${e.id}`, 'lastName', e.lastName, () => fieldAt(e, 'lastName'));
    }
    for (const site of project.sites.values()) {
      look(`site ${site.id}`, 'name', site.name, () => fieldAt(site, 'name'));
      site.supporters.forEach((s, i) => look(`site ${site.id}`, `supporter ${i + 1}`, s.name, () => fieldAt(site, `supporters.${i}.name`, 'supporters')));
    }
    return out;
  },
};

export const employeeIdPattern: Rule = {
  id: 'employee-id-pattern', severity: 'error', description: 'employee ids match employeeIdPattern of homeshift.yaml',
  check(project) {
    const report = reporter(this);
    let pattern: RegExp;
    try {
      pattern = new RegExp(project.config.employeeIdPattern ?? DEFAULT_EMPLOYEE_ID_PATTERN, 'u');
    } catch {
      return []; // reported with homeshift.yaml
    }
    return project.employeeList
      .filter((e) => !hasSuspectText(e.id) && !pattern.test(e.id))
      .map((e) => report(`employee ${e.id}: id does not match employeeIdPattern ${pattern.source}`, fieldAt(e, 'id')));
  },
};
