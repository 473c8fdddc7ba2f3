import type { Diagnostic, Employee, Project, SourcePos } from '../../model/index.js';
import { fieldAt, formatWhere, profilesToCheck, reporter, type Rule } from '../rule.js';

const MAILBOX = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

export function isMailbox(address: string): boolean {
  return MAILBOX.test(address);
}

/** Every mailbox address of the project with what it belongs to and where it was written. */
// Positions are looked up only for findings: reading them can mean parsing a file again.
export function listMailboxes(project: Project): { address: string; owner: string; at: () => SourcePos }[] {
  const out: { address: string; owner: string; at: () => SourcePos }[] = [];
  for (const e of project.employeeList) out.push({ address: e.mailbox, owner: `employee ${e.id}`, at: () => fieldAt(e, 'mailbox') });
  for (const site of project.sites.values()) {
    site.sharedMailboxes.forEach((a, i) => out.push({ address: a, owner: `site ${site.id}`, at: () => fieldAt(site, `sharedMailboxes.${i}`, 'sharedMailboxes') }));
  }
  for (const p of profilesToCheck(project)) {
    const shared = p.mailbox?.shared;
    if (Array.isArray(shared)) shared.forEach((a, i) => out.push({ address: a, owner: `profile ${p.name}`, at: () => fieldAt(p, `mailbox.shared.${i}`, 'mailbox.shared') }));
  }
  return out;
}

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

export const malformedMailbox: Rule = {
  id: 'malformed-mailbox', severity: 'error', description: 'mailbox addresses are well-formed',
  check(project) {
    const report = reporter(this);
    return listMailboxes(project).filter((m) => !isMailbox(m.address)).map((m) => report(`${m.owner}: mailbox '${m.address}' is not a valid address`, m.at()));
  },
};

export const mailboxDomainNotAllowed: Rule = {
  id: 'mailbox-domain-not-allowed', severity: 'error', description: 'mailboxes are in one of mail.allowedDomains',
  check(project) {
    const report = reporter(this);
    const allowed = project.config.mail.allowedDomains.map((d) => d.toLowerCase());
    if (allowed.length === 0) return [];
    return listMailboxes(project)
      .filter((m) => isMailbox(m.address) && !allowed.includes(m.address.slice(m.address.lastIndexOf('@') + 1).toLowerCase()))
      .map((m) => report(`${m.owner}: mailbox ${m.address} is not in an allowed domain (${allowed.join(', ')})`, m.at()));
  },
};
