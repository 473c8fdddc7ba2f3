import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFileFault, healFileFault } from '../../src/lab/fault-files.js';
import { installFileFaultTools } from '../../src/lab/sim-tools.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { buildMachineProgram } from '../../src/shell/machine-program.js';
import { MissingSecretError } from '../../src/shell/secrets.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { NONCE, runLinux, SECRETS, labMachine } from './run-helpers.js';


/** A lab fault file; `on`: what it is bound to (a step fault), none for a tool fault. */
async function fail(root: string, name: string, text: string, on?: string) {
  mkdirSync(join(root, '.sim', 'fail'), { recursive: true });
  writeFileSync(join(root, '.sim', 'fail', name), text);
  if (on) writeFileSync(join(root, '.sim', 'fail', `${name}.on`), `${on}\n`);
  if (on?.startsWith('file ')) await installFileFaultTools(root); // the mv that fails for that file
}

describe('linux machine program', () => {
  it('a lab step fault: moving the step file into place fails with its code and message, the rest is skipped', async () => {
    const { root, machine, scripts } = await labMachine('hs-prog-');
    const fault = { kind: 'fail-mailbox' as const, heal: null };
    const files = machine.steps.find((s) => s.id === 'mailbox')!.files.slice(0, 1).map((f) => f.path);
    await applyFileFault(root, fault, { mailbox: 'tina.mueller@example-telco.de', touches: { files, packages: [] } });
    const run = await runLinux(machine, scripts);
    const mailbox = run.results.find((r) => r.step === 'mailbox')!;
    expect(mailbox).toMatchObject({ status: 'failed', exitCode: 3, errorClass: 'step-failed', message: 'apply exited 3: mailbox not found for tina.mueller@example-telco.de' });
    expect(mailbox.stdoutTail).toContain(`cannot write /${files[0]}`);
    expect(run.ended.complete).toBe(true);
    await healFileFault(root, fault, null);
    const again = await runLinux(machine, scripts);
    expect(again.results.map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'changed']);
  });

  it('a sim tool fault (apt-get disk full) fails the bundle step and skips the rest', async () => {
    const { root, machine, scripts } = await labMachine('hs-prog-');
    await fail(root, 'tool_apt-get', "100\nE: You don't have enough free space in /var/cache/apt/archives/.\n");
    const run = await runLinux(machine, scripts);
    const statuses = Object.fromEntries(run.results.map((r) => [r.step, r.status]));
    expect(statuses['bundle:office-base']).toBe('failed');
    expect(run.results.find((r) => r.step === 'bundle:office-base')!.message).toBe("apply exited 100: E: You don't have enough free space in /var/cache/apt/archives/.");
    expect(statuses['bundle:softphone']).toBe('skipped');
    expect(statuses.mailbox).toBe('skipped');
    expect(statuses.vpn).toBe('changed');
  });

  it('the lab fault installer-busy holds the dpkg lock on a Linux PC: the bundle step fails saying so', async () => {
    const { root, machine, scripts } = await labMachine('hs-prog-');
    const fault = { kind: 'installer-busy' as const, heal: null };
    await applyFileFault(root, fault, {});
    const run = await runLinux(machine, scripts);
    expect(run.results.find((r) => r.step === 'bundle:office-base')!.message).toMatch(/^apply exited 100: E: Could not get lock \/var\/lib\/dpkg\/lock-frontend/);
    await healFileFault(root, fault, null);
    expect((await runLinux(machine, scripts)).results.find((r) => r.step === 'bundle:office-base')!.status).toBe('changed');
  });

  it('a check-only step that fails stops the machine before the VPN', async () => {
    const { root, machine, scripts } = await labMachine('hs-prog-');
    writeFileSync(join(root, 'etc', 'crypttab'), '# <target name> <source device> <key file> <options>\n');
    writeFileSync(join(root, 'home', 'tina', 'Documents', 'kunden-2024.xlsx'), 'x');
    const run = await runLinux(machine, scripts);
    expect(run.results[0]).toMatchObject({ step: 'check:disk-encryption', status: 'failed', exitCode: 1, message: 'check exited 1: disk not encrypted: no luks entry in /etc/crypttab' });
    expect(run.results.slice(1).every((r) => r.status === 'skipped')).toBe(true);
    writeFileSync(join(root, 'etc', 'crypttab'), 'cryptroot UUID=1 none luks\n');
    const next = await runLinux(machine, scripts);
    expect(next.results[1]).toMatchObject({ step: 'check:customer-data', status: 'failed', message: 'check exited 1: customer data stored locally: 1 file(s), e.g. /home/tina/Documents/kunden-2024.xlsx' });
  });

  it('a hanging apply is left to the run layer timeout: start marker without end', async () => {
    const { root, machine, scripts } = await labMachine('hs-prog-');
    await fail(root, 'vpn', 'hang\n', `file ${machine.steps.find((s) => s.id === 'vpn')!.files[0].path}`);
    const run = await runLinux(machine, scripts, 'apply', 4000);
    expect(run.result.timedOut).toBe(true);
    expect(run.ended).toEqual({ complete: false, current: machine.steps.findIndex((s) => s.id === 'vpn') });
  });

  it('a broken step script fails that step only', async () => {
    const { machine, scripts } = await labMachine('hs-prog-');
    const broken = { ...scripts, 'linux/mailbox.sh': { hash: 'x', text: 'hs_check() { if then; }' } };
    const run = await runLinux(machine, broken);
    expect(run.results.find((r) => r.step === 'mailbox')).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(run.results.find((r) => r.step === 'mailbox')!.message).toMatch(/^script exited 2: /);
    expect(run.ended.complete).toBe(true);
  });

  it('needs every secret a step names, and a safe nonce', async () => {
    const { machine, scripts } = await labMachine('hs-prog-');
    expect(() => buildMachineProgram(machine, scripts, { mode: 'apply', secrets: {}, nonce: NONCE })).toThrow(MissingSecretError);
    expect(() => buildMachineProgram(machine, scripts, { mode: 'apply', secrets: SECRETS, nonce: "x'; reboot" })).toThrow(/nonce/);
  });
});
