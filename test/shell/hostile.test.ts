import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installSimTools } from '../../src/lab/sim-tools.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { decodePowerShellCommand } from '../../src/render/quote.js';
import { buildMachineProgram } from '../../src/shell/machine-program.js';
import { POWERSHELL_BOOTSTRAP } from '../../src/shell/powershell-program.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { NONCE, runLinux, SECRETS } from './run-helpers.js';

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function hostileProject(root: string, canary: string) {
  const project = buildFixtureProject();
  const evil = `$(touch ${canary})`;
  const tina = project.employees.get('e100001')!;
  tina.firstName = `O'Brien ${evil} \`touch ${canary}\` ; rm -rf / #`;
  tina.lastName = `Müßig "Ünal" 100% \u2019x\u2019\nzweite Zeile`;
  tina.mailbox = `o'brien+${evil};\`touch ${canary}\`@example-telco.de`;
  const jonas = project.employees.get('e100002')!;
  Object.assign(jonas, { firstName: tina.firstName, lastName: tina.lastName, mailbox: tina.mailbox });
  project.sites.get('bruehl')!.sharedMailboxes = [`team-'${evil}'@example-telco.de`];
  project.machines[0].vars = { root };
  return project;
}

describe('hostile values in the linux program', () => {
  it('parses with sh -n, lands exact bytes, executes nothing and is ok on the second run', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-hostile-'));
    roots.push(root);
    const canary = join(root, 'CANARY');
    await installSimTools(root);
    const project = hostileProject(root, canary);
    const plan = buildPlan(project, { machines: [project.machines[0]] });
    const machine = plan.machines[0];
    const { stdin } = buildMachineProgram(machine, plan.scripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
    execFileSync('/bin/sh', ['-n'], { input: stdin });

    const first = await runLinux(machine, plan.scripts);
    expect(first.ended).toEqual({ complete: true, current: null });
    expect(first.results.map((r) => [r.step, r.status])).toEqual(machine.steps.map((s) => [s.id, s.id.startsWith('check:') && s.id !== 'check:screen-lock' ? 'ok' : 'changed']));
    for (const step of machine.steps) {
      for (const file of step.files) {
        const expected = file.content.replace('@@HS_SECRET:vpnPsk@@', SECRETS.vpnPsk);
        expect(readFileSync(join(root, file.path), 'utf8')).toBe(expected);
        expect(statSync(join(root, file.path)).mode & 0o777).toBe(parseInt(file.mode, 8));
      }
    }
    const prefs = readFileSync(join(root, 'etc/thunderbird/pref/homeshift-mailbox.js'), 'utf8');
    expect(prefs).toContain(JSON.stringify(project.employees.get('e100001')!.mailbox));
    expect(existsSync(canary)).toBe(false);

    const second = await runLinux(machine, plan.scripts);
    expect(second.results.map((r) => r.status)).toEqual(machine.steps.map(() => 'ok'));
    expect(existsSync(canary)).toBe(false);
    expect(JSON.stringify(second.results)).not.toContain(SECRETS.vpnPsk);
  });

  it('reports would-change in check mode without touching anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'hs-check-'));
    roots.push(root);
    await installSimTools(root);
    const project = hostileProject(root, join(root, 'CANARY'));
    const plan = buildPlan(project, { machines: [project.machines[0]] });
    const run = await runLinux(plan.machines[0], plan.scripts, 'check');
    expect(run.results.map((r) => r.status)).toEqual(['ok', 'ok', 'would-change', 'would-change', 'would-change', 'would-change', 'would-change', 'would-change']);
    expect(existsSync(join(root, 'etc/NetworkManager/system-connections/homeshift-vpn.nmconnection'))).toBe(false);
  });
});

describe('hostile values in the windows program', () => {
  it('decodes to the bootstrap, and every prelude line is a single-quoted literal with the exact value', () => {
    const project = hostileProject('/unused', 'C:\\CANARY');
    const plan = buildPlan(project, { machines: [project.machines[1]] });
    const machine = plan.machines[0];
    const { command, stdin } = buildMachineProgram(machine, plan.scripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
    const match = /^powershell\.exe -NoProfile -NonInteractive -EncodedCommand ([A-Za-z0-9+/=]+)$/.exec(command);
    expect(match).not.toBeNull();
    expect(decodePowerShellCommand(match![1])).toBe(POWERSHELL_BOOTSTRAP);
    const program = Buffer.from(stdin.trim(), 'base64').toString('utf8');
    const employee = project.employees.get('e100002')!;
    const expectLiteral = (name: string, value: string) => {
      const literal = `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
      expect(program).toContain(`$${name} = ${literal}\n`);
    };
    expectLiteral('HS_EMPLOYEE_NAME', `${employee.firstName} ${employee.lastName}`);
    expectLiteral('HS_EMPLOYEE_MAILBOX', employee.mailbox);
    expectLiteral('HS_VPN_IDENTITY', employee.mailbox);
    expectLiteral('HS_MAILBOX_SHARED', project.sites.get('bruehl')!.sharedMailboxes[0]);
    expectLiteral('HS_SECRET_ENROLMENT_TOKEN', SECRETS.enrolmentToken);
    // every assignment of an HS_ variable is one single-quoted literal: nothing is expanded
    const assignments = program.split('\n').filter((l) => /^\$HS_[A-Z_]+ = /.test(l));
    expect(assignments.length).toBeGreaterThan(10);
    for (const line of assignments) expect(line).toMatch(/^\$HS_[A-Z_]+ = '/);
  });
});
