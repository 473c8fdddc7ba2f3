import type { Diagnostic, Employee, Project, SourcePos } from '../../model/index.js';
import { hasSuspectText } from '../../config/text-policy.js';
import { explainMailbox } from '../mailbox-address.js';
import { fieldAt, formatWhere, profilesToCheck, reporter, type Rule } from '../rule.js';

const MAILBOX = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/;

export function isMailbox(address: string): boolean {
  return MAILBOX.test(address);
}

/** Every mailbox address of the project with what it belongs to and where it was written. */
// Positions are looked up only for findings: reading them can mean parsing a file again.
// textChecked: the value came from the inventory or the directory, where the text policy has reported its characters.
export function listMailboxes(project: Project): { address: string; owner: string; shared: boolean; textChecked: boolean; at: () => SourcePos }[] {
  const out: { address: string; owner: string; shared: boolean; textChecked: boolean; at: () => SourcePos }[] = [];
  for (const e of project.employeeList) out.push({ address: e.mailbox, owner: `employee ${e.id}`, shared: false, textChecked: true, at: () => fieldAt(e, 'mailbox') });
  for (const site of project.sites.values()) {
    site.sharedMailboxes.forEach((a, i) => out.push({ address: a, owner: `site ${site.id}`, shared: true, textChecked: true, at: () => fieldAt(site, `sharedMailboxes.${i}`, 'sharedMailboxes') }));
  }
  for (const p of profilesToCheck(project)) {
    const shared = p.mailbox?.shared;
    if (Array.isArray(shared)) shared.forEach((a, i) => out.push({ address: a, owner: `profile ${p.name}`, shared: true, textChecked: false, at: () => fieldAt(p, `mailbox.shared.${i}`, 'mailbox.shared') }));
  }
  return out;
}

export const malformedMailbox: Rule = {
  id: 'malformed-mailbox', severity: 'error', description: 'mailbox addresses are well-formed',
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const m of listMailboxes(project)) {
      if (isMailbox(m.address) || (m.textChecked && hasSuspectText(m.address))) continue;
      out.push(report(`${m.owner}: mailbox '${m.address}' is not a valid address: it ${explainMailbox(m.address) ?? 'does not have the form name@domain.tld'}`, m.at()));
    }
    return out;
  },
};

export const sharedMailboxIsPersonal: Rule = {
  id: 'shared-mailbox-is-personal', severity: 'error', description: "no shared mailbox is an employee's personal mailbox",
  check(project) {
    const report = reporter(this);
    const personal = new Map<string, Employee>();
    for (const e of project.employeeList) if (!personal.has(e.mailbox.toLowerCase())) personal.set(e.mailbox.toLowerCase(), e);
    return listMailboxes(project)
      .filter((m) => m.shared && personal.has(m.address.toLowerCase()))
      .map((m) => {
        const e = personal.get(m.address.toLowerCase())!;
        return report(`${m.owner}: shared mailbox ${m.address} is the personal mailbox of employee ${e.id} (${formatWhere(fieldAt(e, 'mailbox'))})`, m.at());
      });
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
