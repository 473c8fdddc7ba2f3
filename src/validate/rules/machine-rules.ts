import { wasRejected, type Diagnostic, type Machine, type Project } from '../../model/index.js';
import { fieldAt, formatWhere, reporter, type Rule } from '../rule.js';

/** The port a machine is reached on: machine, its ssh block, its site, the project, 22. */
export function effectivePort(project: Project, m: Machine): number {
  return m.port ?? m.ssh.port ?? project.sites.get(m.site)?.ssh.port ?? project.config.ssh.port ?? 22;
}

function firstSeen<T>(items: T[], keyOf: (item: T) => string | null, onRepeat: (item: T, first: T) => Diagnostic): Diagnostic[] {
  const seen = new Map<string, T>();
  const out: Diagnostic[] = [];
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, item);
    else out.push(onRepeat(item, first));
  }
  return out;
}

export const duplicateMachineId: Rule = {
  id: 'duplicate-machine-id', severity: 'error', description: 'every machine id appears once in the inventory, whatever its case',
  check(project) {
    const report = reporter(this);
    // ids are typed in any case on the command line (log bru-d0001), so two that differ only by case would clash
    return firstSeen(project.machines, (m) => m.id.toLowerCase(), (m, first) =>
      report(`machine ${m.id}: id is already used${first.id === m.id ? '' : ` as ${first.id} (ids are compared ignoring case)`} at ${formatWhere(first.pos)}`, fieldAt(m, 'id'), m.id));
  },
};

export const duplicateHost: Rule = {
  id: 'duplicate-host', severity: 'error', description: 'no two machines share host and port',
  check(project) {
    const report = reporter(this);
    return firstSeen(project.machines, (m) => `${m.host.toLowerCase()}:${effectivePort(project, m)}`, (m, first) =>
      report(`machine ${m.id}: host ${m.host} port ${effectivePort(project, m)} is also machine ${first.id} (${formatWhere(first.pos)})`, fieldAt(m, 'host'), m.id));
  },
};

export const unknownSite: Rule = {
  id: 'unknown-site', severity: 'error', description: 'every machine belongs to a site defined in the inventory',
  check(project) {
    const report = reporter(this);
    return project.machines.filter((m) => !project.sites.has(m.site) && !wasRejected(project.rejected, 'sites', m.site)).map((m) =>
      m.site === ''
        ? report(`machine ${m.id}: no site (give the file a site: block or the machine a site:)`, m.pos, m.id)
        : report(`machine ${m.id}: site ${m.site} is not defined in any inventory file`, fieldAt(m, 'site'), m.id));
  },
};

export const unknownProfile: Rule = {
  id: 'unknown-profile', severity: 'error', description: 'every machine role names a profile',
  check(project) {
    const report = reporter(this);
    const known = [...project.profiles.keys()].sort().join(', ');
    return project.machines.filter((m) => !project.profiles.has(m.role) && !wasRejected(project.rejected, 'profiles', m.role)).map((m) =>
      report(`machine ${m.id}: role ${m.role} is not a profile (known: ${known || 'none'})`, fieldAt(m, 'role'), m.id));
  },
};

export const unknownUser: Rule = {
  id: 'unknown-user', severity: 'error', description: 'every machine user is in the directory',
  check(project) {
    const report = reporter(this);
    return project.machines.filter((m) => !project.employees.has(m.user) && !wasRejected(project.rejected, 'employees', m.user)).map((m) =>
      report(`machine ${m.id}: user ${m.user} is not in the directory`, fieldAt(m, 'user'), m.id));
  },
};

export const employeeOnTwoMachines: Rule = {
  id: 'employee-on-two-machines', severity: 'error', description: 'an employee is assigned to one machine only',
  check(project) {
    const report = reporter(this);
    return firstSeen(project.machines, (m) => m.user, (m, first) =>
      report(`machine ${m.id}: employee ${m.user} is already assigned to machine ${first.id} (${formatWhere(first.pos)})`, fieldAt(m, 'user'), m.id));
  },
};

export const siteMismatch: Rule = {
  id: 'site-mismatch', severity: 'warning', description: "the employee's site is the machine's site",
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const m of project.machines) {
      const e = project.employees.get(m.user);
      if (e && project.sites.has(m.site) && e.site !== m.site) out.push(report(`machine ${m.id}: employee ${e.id} belongs to site ${e.site}, the machine to site ${m.site}`, fieldAt(m, 'user'), m.id));
    }
    return out;
  },
};

export const roleMismatch: Rule = {
  id: 'role-mismatch', severity: 'warning', description: "the machine's role is the employee's role when the directory names one",
  check(project) {
    const report = reporter(this);
    const out: Diagnostic[] = [];
    for (const m of project.machines) {
      const e = project.employees.get(m.user);
      if (e?.role && e.role !== m.role) out.push(report(`machine ${m.id}: role ${m.role}, but the directory gives employee ${e.id} the role ${e.role}`, fieldAt(m, 'role'), m.id));
    }
    return out;
  },
};
