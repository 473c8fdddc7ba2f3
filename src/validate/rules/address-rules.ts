import { wasRejected, type Diagnostic, type SourcePos } from '../../model/index.js';
import { explainHost } from '../host-name.js';
import { explainMailbox } from '../mailbox-address.js';
import { fieldAt, reporter, type Rule } from '../rule.js';

/** One mail address, well-formed: a list in one field ("a@x.de, b@x.de") is named as such. */
function explainSingleAddress(text: string): string | null {
  const parts = text.split(/[,;]/).map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > 1) return `holds ${parts.length} addresses (give each person an entry of their own)`;
  return explainMailbox(text);
}

export const invalidEmail: Rule = {
  id: 'invalid-email', severity: 'error', description: "every supporter's e-mail is one valid address (routing members and leads are checked by the schema)",
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    const look = (who: string, address: string, at: () => SourcePos) => {
      const why = explainSingleAddress(address);
      if (why) out.push(report(`${who}: e-mail ${JSON.stringify(address)} ${why}`, at()));
    };
    for (const site of project.sites.values()) {
      site.supporters.forEach((s, i) => look(`site ${site.id}: supporter ${s.name}`, s.email, () => fieldAt(site, `supporters.${i}.email`, 'supporters')));
    }
    return out;
  },
};

export const invalidHost: Rule = {
  id: 'invalid-host', severity: 'error', description: "machines' host and sites' vpnGateway are valid host names or IP addresses",
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const site of project.sites.values()) {
      const why = explainHost(site.vpnGateway);
      if (why) out.push(report(`site ${site.id}: vpnGateway ${site.vpnGateway} ${why}`, fieldAt(site, 'vpnGateway')));
    }
    for (const m of project.machines) {
      const why = explainHost(m.host);
      if (why) out.push(report(`machine ${m.id}: host ${m.host} ${why}`, fieldAt(m, 'host'), m.id));
    }
    return out;
  },
};

export const unknownEmployeeSite: Rule = {
  id: 'unknown-employee-site', severity: 'error', description: "every employee's site is a site of the inventory",
  check(project) {
    const report = reporter(this);
    const known = [...project.sites.keys()].sort().join(', ');
    return project.employeeList.filter((e) => !project.sites.has(e.site) && !wasRejected(project.rejected, 'sites', e.site)).map((e) =>
      report(`employee ${e.id}: site ${e.site} is not defined in any inventory file (known: ${known || 'none'})`, fieldAt(e, 'site')));
  },
};

export const unknownEmployeeRole: Rule = {
  id: 'unknown-employee-role', severity: 'error', description: "an employee's role, when the directory names one, is a profile",
  check(project) {
    const report = reporter(this);
    const known = [...project.profiles.keys()].sort().join(', ');
    return project.employeeList.filter((e) => e.role !== undefined && !project.profiles.has(e.role) && !wasRejected(project.rejected, 'profiles', e.role)).map((e) =>
      report(`employee ${e.id}: role ${e.role} is not a profile (known: ${known || 'none'})`, fieldAt(e, 'role')));
  },
};
