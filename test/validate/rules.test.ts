import type { Project } from '../../src/model/index.js';
import { formatDiagnostic } from '../../src/model/index.js';
import { RULES, resolveProfileChain, validateProject } from '../../src/validate/index.js';
import { GOOD, loadRepo } from '../config/helpers.js';

async function loadGood(): Promise<Project> {
  return (await loadRepo(GOOD)).project!;
}

function run(project: Project, rule: string): string[] {
  const found = RULES.find((r) => r.id === rule);
  if (!found) throw new Error(`no rule ${rule}`);
  return validateProject(project, [found]).map(formatDiagnostic);
}

describe('validate rules', () => {
  it('finds nothing in a valid repository', async () => {
    expect(validateProject(await loadGood()).map(formatDiagnostic)).toEqual([]);
  });

  it('every rule id is unique and kebab-case', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
  });

  it('duplicate-machine-id', async () => {
    const p = await loadGood();
    p.machines[4].id = 'KOE-D0001';
    expect(run(p, 'duplicate-machine-id')).toEqual(['inventory/koeln.yaml:7:11 machine KOE-D0001: id is already used at inventory/koeln.yaml:6 [duplicate-machine-id]']);
    p.machines[4].id = 'koe-d0001';
    expect(run(p, 'duplicate-machine-id')).toEqual([
      'inventory/koeln.yaml:7:11 machine koe-d0001: id is already used as KOE-D0001 (ids are compared ignoring case) at inventory/koeln.yaml:6 [duplicate-machine-id]',
    ]);
  });

  it('duplicate-host compares host and effective port', async () => {
    const p = await loadGood();
    p.machines[1].host = 'BRU-D0001.sc.example-telco.de'; // site port 22 for both
    p.machines[2].host = 'bru-d0001.sc.example-telco.de'; // own port 2200: no clash
    expect(run(p, 'duplicate-host')).toEqual([expect.stringMatching(/^inventory\/bruehl\.yaml:10:\d+ machine BRU-D0002: host BRU-D0001.sc.example-telco.de port 22 is also machine BRU-D0001 .*\[duplicate-host\]$/)]);
  });

  it('unknown-site, also for a machine without any site', async () => {
    const p = await loadGood();
    p.machines[0].site = 'bonn';
    p.machines[1].site = '';
    const out = run(p, 'unknown-site');
    expect(out).toEqual([
      'inventory/bruehl.yaml:9:5 machine BRU-D0001: site bonn is not defined in any inventory file [unknown-site]',
      'inventory/bruehl.yaml:10:5 machine BRU-D0002: no site (give the file a site: block or the machine a site:) [unknown-site]',
    ]);
  });

  it('unknown-profile points at the role', async () => {
    const p = await loadGood();
    p.machines[0].role = 'hotline';
    expect(run(p, 'unknown-profile')[0]).toMatch(/^inventory\/bruehl\.yaml:9:93 machine BRU-D0001: role hotline is not a profile \(known: back-office, home-office-base, hotline-agent, team-lead\) \[unknown-profile\]$/);
  });

  it('profile-extends-unknown and profile-extends-cycle (naming the cycle)', async () => {
    const p = await loadGood();
    p.profiles.get('back-office')!.extends = 'nobody';
    p.profiles.get('home-office-base')!.extends = 'team-lead';
    expect(run(p, 'profile-extends-unknown')).toEqual([expect.stringMatching(/profile back-office: extends unknown profile nobody \[profile-extends-unknown\]$/)]);
    expect(run(p, 'profile-extends-cycle')).toEqual([expect.stringMatching(/profile home-office-base: extends cycle home-office-base -> team-lead -> hotline-agent -> home-office-base \[profile-extends-cycle\]$/)]);
    expect(resolveProfileChain(p, 'team-lead')).toEqual({ cycle: ['team-lead', 'hotline-agent', 'home-office-base', 'team-lead'] });
    expect(resolveProfileChain(p, 'back-office')).toEqual({ missing: 'nobody' });
  });

  it('resolveProfileChain gives the chain base first', async () => {
    const result = resolveProfileChain(await loadGood(), 'team-lead');
    expect('chain' in result && result.chain.map((x) => x.name)).toEqual(['home-office-base', 'hotline-agent', 'team-lead']);
  });

  it('unknown-bundle points at the list entry', async () => {
    const p = await loadGood();
    p.profiles.get('team-lead')!.bundles.push('crm');
    expect(run(p, 'unknown-bundle')).toEqual([expect.stringMatching(/profile team-lead: bundle crm is not defined \[unknown-bundle\]$/)]);
  });

  it('bundle-os-unsupported names the package and an example machine', async () => {
    const p = await loadGood();
    delete p.bundles.get('team-tools')!.packages[0].linux;
    expect(run(p, 'bundle-os-unsupported')).toEqual(['bundles/team.yaml:6:9 bundle team-tools: package Reporting has no linux entry, but linux machines get this bundle (e.g. BRU-D0002, role team-lead) [bundle-os-unsupported]']);
    p.machines[1].os = 'windows';
    expect(run(p, 'bundle-os-unsupported')).toEqual([]);
  });

  it('unknown-template checks each os that runs the step and file templates by name', async () => {
    const p = await loadGood();
    p.templates.delete('windows/enrol-mdm.ps1');
    p.templates.delete('linux/mdm.conf.hbs');
    expect(run(p, 'unknown-template').map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'profile home-office-base step enrol-mdm: template windows/enrol-mdm.ps1 not found (needed by 3 windows machines, e.g. BRU-D0001) [unknown-template]',
      'profile home-office-base step enrol-mdm: file template linux/mdm.conf.hbs not found (looked for linux/mdm.conf.hbs, linux/linux/mdm.conf.hbs, windows/linux/mdm.conf.hbs) [unknown-template]',
    ]);
    p.profiles.get('home-office-base')!.steps[0].os = ['linux'];
    expect(run(p, 'unknown-template')).toHaveLength(1);
  });

  it('unknown-user and employee-on-two-machines point at the user', async () => {
    const p = await loadGood();
    p.machines[0].user = 'e100999';
    p.machines[4].user = 'e100004';
    expect(run(p, 'unknown-user')).toEqual(['inventory/bruehl.yaml:9:78 machine BRU-D0001: user e100999 is not in the directory [unknown-user]']);
    expect(run(p, 'employee-on-two-machines')).toEqual([expect.stringMatching(/^inventory\/koeln\.yaml:7:\d+ machine KOE-D0002: employee e100004 is already assigned to machine KOE-D0001 \(inventory\/koeln\.yaml:6\) \[employee-on-two-machines\]$/)]);
  });

  it('duplicate-employee-id, duplicate-mailbox, malformed-mailbox, mailbox-domain-not-allowed', async () => {
    const p = await loadGood();
    const [a, b, c, d] = p.employeeList;
    p.employeeList.push({ ...a });
    b.mailbox = 'ANNA.MUELLER@example-telco.de';
    c.mailbox = 'matthias obrien@example-telco.de';
    d.mailbox = 'kati@gmail.com';
    p.sites.get('koeln')!.sharedMailboxes.push('hotline@telco.example');
    expect(run(p, 'duplicate-employee-id')).toEqual([expect.stringMatching(/employee e100001: id is already used at directory\/employees\.csv:2 \(column "Employee_ID"\) \[duplicate-employee-id\]$/)]);
    expect(run(p, 'duplicate-mailbox')).toEqual(["directory/employees.csv:3:22 employee e100002: mailbox ANNA.MUELLER@example-telco.de is already employee e100001's (directory/employees.csv:2) (column \"Email\") [duplicate-mailbox]"]);
    expect(run(p, 'malformed-mailbox')).toEqual(["directory/employees.csv:4:26 employee e100003: mailbox 'matthias obrien@example-telco.de' is not a valid address: it has a space at position 9 (column \"Email\") [malformed-mailbox]"]);
    expect(run(p, 'mailbox-domain-not-allowed').map((l) => l.replace(/^\S+ /, ''))).toEqual([
      'employee e100004: mailbox kati@gmail.com is not in an allowed domain (example-telco.de) (column "Email") [mailbox-domain-not-allowed]',
      'site koeln: mailbox hotline@telco.example is not in an allowed domain (example-telco.de) [mailbox-domain-not-allowed]',
    ]);
  });

  it('site-mismatch and role-mismatch are warnings', async () => {
    const p = await loadGood();
    p.employees.get('e100001')!.site = 'koeln';
    p.employees.get('e100002')!.role = 'back-office';
    const all = validateProject(p);
    expect(all.map((d) => [d.rule, d.severity, d.machine])).toEqual([
      ['site-mismatch', 'warning', 'BRU-D0001'],
      ['role-mismatch', 'warning', 'BRU-D0002'],
    ]);
  });

  it('unknown-secret', async () => {
    const p = await loadGood();
    delete p.config.secrets.enrolmentToken;
    expect(run(p, 'unknown-secret')).toEqual([expect.stringMatching(/profile home-office-base: secret enrolmentToken is not declared under secrets: in homeshift\.yaml \[unknown-secret\]$/)]);
  });

  it('sorts findings by file, line, column and rule, the same on every run', async () => {
    const p = await loadGood();
    p.machines.forEach((m) => { m.user = 'nobody'; m.role = 'nobody'; });
    const first = validateProject(p);
    const second = validateProject(p);
    expect(second).toEqual(first);
    const keys = first.map((d) => [d.pos!.file, d.pos!.line, d.pos!.col, d.rule]);
    const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : (x[1] as number) - (y[1] as number) || (x[2] as number) - (y[2] as number) || String(x[3]).localeCompare(String(y[3]))));
    expect(keys).toEqual(sorted);
  });
});
