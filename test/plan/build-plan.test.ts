import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../../src/plan/build-plan.js';
import { formatPlanJson } from '../../src/plan/format-plan.js';
import { PlanError } from '../../src/plan/plan-error.js';
import { planMachine } from '../../src/plan/plan-machine.js';
import { buildFixtureProject, REPO } from './fixture.js';

const GOLDEN = join(REPO, 'test', 'fixtures', 'plan');

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('buildPlan', () => {
  it.each(['linux', 'windows'] as const)('matches the golden %s plan (UPDATE_GOLDEN=1 regenerates)', (os) => {
    const project = buildFixtureProject();
    const plan = buildPlan(project, { machines: project.machines.filter((m) => m.os === os) });
    golden(`${os}.json`, formatPlanJson(plan));
  });

  it('orders steps: checks, vpn, bundles, mailbox, profile steps', () => {
    const project = buildFixtureProject();
    const plan = buildPlan(project);
    const teamLead = plan.machines.find((m) => m.machine.id === 'BRU-D0002')!;
    expect(teamLead.steps.map((s) => s.id)).toEqual([
      'check:disk-encryption',
      'check:customer-data',
      'check:screen-lock',
      'vpn',
      'bundle:office-base',
      'bundle:softphone',
      'bundle:crm-client',
      'bundle:team-reporting',
      'mailbox',
      'step:enrol-mdm',
    ]);
    expect(teamLead.profile.chain).toEqual(['home-office-base', 'hotline-agent', 'team-lead']);
    expect(teamLead.checks.screenLockMinutes).toBe(5);
    expect(plan.summary).toEqual({ machines: 4, steps: 33, bySite: { bruehl: 2, koeln: 2 }, byProfile: { 'back-office': 1, 'hotline-agent': 2, 'team-lead': 1 }, byOs: { linux: 2, windows: 2 } });
  });

  it('maps mailboxes: personal + site shared, or fixed shared for back office', () => {
    const plan = buildPlan(buildFixtureProject());
    expect(plan.machines[0].mailbox).toEqual({ personal: 'tina.mueller@example-telco.de', shared: ['hotline-bruehl@example-telco.de', 'team-bruehl@example-telco.de'], client: 'thunderbird' });
    expect(plan.machines[2].mailbox).toEqual({ personal: 'aylin.yilmaz@example-telco.de', shared: ['backoffice@example-telco.de'], client: 'outlook' });
  });

  it('keeps secrets as placeholders and names them on the step', () => {
    const plan = buildPlan(buildFixtureProject());
    const vpn = plan.machines[0].steps.find((s) => s.id === 'vpn')!;
    expect(vpn.secrets).toEqual(['vpnPsk']);
    expect(vpn.files[0].content).toContain('password=@@HS_SECRET:vpnPsk@@');
    expect(vpn.files[0].mode).toBe('0600');
    const mdm = plan.machines[1].steps.find((s) => s.id === 'step:enrol-mdm')!;
    expect(mdm.secrets).toEqual(['enrolmentToken']);
    expect(mdm.files[0].path).toBe('ProgramData/homeshift/mdm-enrolment.conf');
  });

  it('takes root from vars (project < site < machine) and vars override the profile defaults', () => {
    const project = buildFixtureProject();
    const plan = buildPlan(project);
    expect(plan.machines.map((m) => m.root)).toEqual(['/', 'C:\\', 'C:\\', '/srv/lab/KOE-D0002']);
    expect(plan.machines[3].steps.find((s) => s.id === 'mailbox')!.files[1].content).toContain('"server": "mail-koeln.example-telco.de"');
    expect(plan.machines[3].machine.port).toBe(2222);
  });

  it('is byte-identical across builds, project locations and working directories', () => {
    const first = formatPlanJson(buildPlan(buildFixtureProject('/srv/rollout')));
    const cwd = process.cwd();
    let second: string;
    try {
      process.chdir('/tmp');
      second = formatPlanJson(buildPlan(buildFixtureProject('/home/aps/elsewhere')));
    } finally {
      process.chdir(cwd);
    }
    expect(second).toBe(first);
    expect(first).not.toContain('/srv/rollout');
    expect(first).not.toContain(REPO);
  });

  it('changes a machine hash when its employee changes, and only that one', () => {
    const a = buildPlan(buildFixtureProject());
    const project = buildFixtureProject();
    project.employees.get('e100001')!.lastName = 'Müller';
    const b = buildPlan(project);
    expect(b.machines[0].hash).not.toBe(a.machines[0].hash);
    expect(b.machines.slice(1).map((m) => m.hash)).toEqual(a.machines.slice(1).map((m) => m.hash));
    expect(b.hash).not.toBe(a.hash);
  });

  it('changes the hashes of exactly the machines whose plan a template, script, site or profile change touches', () => {
    const base = buildPlan(buildFixtureProject());
    const changed = (edit: (p: ReturnType<typeof buildFixtureProject>) => void) => {
      const project = buildFixtureProject();
      edit(project);
      const plan = buildPlan(project);
      return plan.machines.filter((m, i) => m.hash !== base.machines[i].hash).map((m) => m.machine.id);
    };
    const all = base.machines.map((m) => m.machine.id);
    const linux = base.machines.filter((m) => m.machine.os === 'linux').map((m) => m.machine.id);
    const template = (name: string) => (p: ReturnType<typeof buildFixtureProject>) => {
      const t = p.templates.get(name)!;
      p.templates.set(name, { ...t, text: `${t.text}\n` });
    };
    expect(changed(template('linux/vpn.nmconnection.hbs'))).toEqual(linux);
    expect(changed(template('linux/bundle.sh'))).toEqual(linux);
    expect(changed((p) => { p.sites.get('bruehl')!.vpnGateway = 'vpn2.example-telco.de'; })).toEqual(base.machines.filter((m) => m.machine.site === 'bruehl').map((m) => m.machine.id));
    expect(changed((p) => { p.profiles.get('home-office-base')!.vars = { ...p.profiles.get('home-office-base')!.vars, extra: 'x' }; })).toEqual(all);
    expect(changed((p) => { p.config.vars = { ...p.config.vars }; })).toEqual([]); // same values, same plan
    expect(changed((p) => { p.machines[1].vars = { ...p.machines[1].vars, mailServer: 'other.example-telco.de' }; })).toEqual([base.machines[1].machine.id]);
  });

  it('throws a PlanError naming the machine for an unknown user, site, profile or bundle', () => {
    const project = buildFixtureProject();
    const m = { ...project.machines[0], user: 'e999999' };
    expect(() => planMachine(project, m)).toThrow(PlanError);
    expect(() => planMachine(project, m)).toThrow('machine BRU-D0001: user e999999 is not in the directory');
    expect(() => planMachine(project, { ...m, user: 'e100001', role: 'nobody' })).toThrow('machine BRU-D0001: unknown profile nobody');
    expect(() => planMachine(project, { ...m, user: 'e100001', site: 'mars' })).toThrow('machine BRU-D0001: unknown site mars');
  });

  it('names the template and variable of a render error', () => {
    const project = buildFixtureProject();
    project.profiles.get('home-office-base')!.vars = {}; // mailServer no longer defined
    let error: PlanError | undefined;
    try {
      buildPlan(project);
    } catch (err) {
      error = err as PlanError;
    }
    expect(error).toBeInstanceOf(PlanError);
    expect(error!.machine).toBe('BRU-D0001');
    expect(error!.template).toBe('linux/thunderbird-prefs.js.hbs');
    expect(error!.variable).toBe('vars.mailServer');
    expect(error!.pos).toEqual({ file: 'templates/linux/thunderbird-prefs.js.hbs', line: 8, col: 38 });
  });
});
