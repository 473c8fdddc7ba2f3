import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachinePlan, Plan, PlannedStep } from '../../src/model/plan.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { buildMachineProgram } from '../../src/shell/machine-program.js';
import { POWERSHELL_COMMAND } from '../../src/shell/powershell-program.js';
import { createResultParser } from '../../src/shell/result-parser.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { NONCE, SECRETS } from './run-helpers.js';

const CMD_EXE_LIMIT = 8191; // the longest command line cmd.exe, Win32-OpenSSH's default shell, accepts

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function windowsMachine(): { machine: MachinePlan; scripts: Plan['scripts'] } {
  const project = buildFixtureProject();
  const pc = project.machines.find((m) => m.os === 'windows')!;
  const root = mkdtempSync(join(tmpdir(), 'hs-win-'));
  roots.push(root);
  pc.vars = { root };
  const plan = buildPlan(project, { machines: [pc] });
  return { machine: plan.machines[0], scripts: plan.scripts };
}

function customStep(id: string, script: string): PlannedStep {
  return { id, title: id, script, vars: {}, files: [], secrets: [], checkOnly: false, timeout: 60 };
}

describe('the command line a Windows PC receives', () => {
  it('stays the same short bootstrap however large the plan: the program travels on stdin', () => {
    const { machine, scripts } = windowsMachine();
    const bigText = `function Test-HsState { $true }\n# ${'x'.repeat(200_000)}\n`;
    const steps = Array.from({ length: 400 }, (_, i) => ({ ...customStep(`step:many-${i}`, 'test/big.ps1'), vars: { HS_VALUE: 'v'.repeat(5000) } }));
    const big = buildMachineProgram({ ...machine, steps }, { ...scripts, 'test/big.ps1': { hash: 'big', text: bigText } }, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
    const small = buildMachineProgram(machine, scripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
    expect(big.stdin.length).toBeGreaterThan(2_000_000);
    expect(big.command).toBe(POWERSHELL_COMMAND);
    expect(small.command).toBe(POWERSHELL_COMMAND);
    expect(POWERSHELL_COMMAND.length).toBeLessThan(CMD_EXE_LIMIT / 8);
    expect(POWERSHELL_COMMAND).toMatch(/^powershell\.exe -NoProfile -NonInteractive -EncodedCommand [A-Za-z0-9+/=]+$/);
  });
});

/** Runs the machine program as a Windows PC would: the exact bootstrap arguments, in a real pwsh, program on stdin. */
function runInPwsh(command: string, stdin: string): Promise<{ stdout: string; stderr: string; exitCode: number | null }> {
  const [exe, ...args] = command.split(' ');
  expect(exe).toBe('powershell.exe');
  return new Promise((resolve, reject) => {
    const child = spawn(findPwsh()!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ stdout, stderr, exitCode }));
    child.stdin.end(stdin);
  });
}

const SCRIPTS: Record<string, string> = {
  'test/ok.ps1': 'function Test-HsState { return $true }\nfunction Invoke-HsApply { throw "never applied" }\n',
  'test/throws.ps1': [
    'function Test-HsState { Write-Output "vpn profile missing"; return $false }',
    'function Invoke-HsApply { Write-HsError "gateway vpn.bruehl.example-telco.de refused"; throw "Add-VpnConnection: access denied for Jürgen" }',
  ].join('\n'),
  'test/native.ps1': [
    'function Test-HsState { return (Test-Path -LiteralPath (Join-Path $HS_ROOT "native-done")) }',
    "function Invoke-HsApply { & /bin/sh -c 'echo \"msiexec: Paket nicht gefunden\" >&2; exit 3'; if ($LASTEXITCODE -ne 0) { throw \"installer exited $LASTEXITCODE\" } }",
  ].join('\n'),
  'test/native-quiet.ps1': [
    'function Test-HsState { return (Test-Path -LiteralPath (Join-Path $HS_ROOT "native-done")) }',
    "function Invoke-HsApply { & /bin/sh -c 'echo \"Zugriff verweigert\" >&2; exit 3' }",
  ].join('\n'),
  'test/unverified.ps1': [
    'function Test-HsState { Write-HsError "ImportPRF is not set"; return $false }',
    'function Invoke-HsApply { Write-Output "set ImportPRF" }',
  ].join('\n'),
};

async function runSteps(failing: PlannedStep) {
  const { machine, scripts } = windowsMachine();
  const plan: MachinePlan = { ...machine, steps: [customStep('step:ok', 'test/ok.ps1'), failing, customStep('step:after', 'test/ok.ps1')] };
  const allScripts = { ...scripts, ...Object.fromEntries(Object.entries(SCRIPTS).map(([name, text]) => [name, { hash: name, text }])) };
  const program = buildMachineProgram(plan, allScripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
  const run = await runInPwsh(program.command, program.stdin);
  const parser = createResultParser(plan, NONCE);
  const results = parser.push(run.stdout).flatMap((e) => (e.type === 'end' ? [e.result] : []));
  return { run, results, ended: parser.end() };
}

const describePwsh = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

describePwsh('the windows machine program in a real PowerShell', () => {
  it('an ok step, a step that throws (message and stderr tail kept), the rest skipped', async () => {
    const { run, results, ended } = await runSteps(customStep('step:throws', 'test/throws.ps1'));
    expect(run.exitCode).toBe(0);
    expect(ended.complete).toBe(true);
    expect(results.map((r) => [r.step, r.status])).toEqual([['step:ok', 'ok'], ['step:throws', 'failed'], ['step:after', 'skipped']]);
    expect(results[0]).toMatchObject({ exitCode: 0, errorClass: null, message: null });
    expect(results[1]).toMatchObject({
      errorClass: 'step-failed',
      exitCode: 1,
      message: 'apply exited 1: Add-VpnConnection: access denied for Jürgen',
      stdoutTail: 'vpn profile missing\n',
      stderrTail: 'gateway vpn.bruehl.example-telco.de refused\nAdd-VpnConnection: access denied for Jürgen\n',
    });
    expect(results[2].message).toBe('skipped: step:throws failed');
  });

  it('a native command exiting 3: its stderr and the failure reach the result', async () => {
    const { results, ended } = await runSteps(customStep('step:native', 'test/native.ps1'));
    expect(ended.complete).toBe(true);
    expect(results[1]).toMatchObject({ step: 'step:native', status: 'failed', errorClass: 'step-failed', message: 'apply exited 3: installer exited 3', exitCode: 3 });
    expect(results[1].stderrTail).toBe('msiexec: Paket nicht gefunden\ninstaller exited 3\n');
  });

  it('a native command exiting 3 that the script does not check: the apply fails with its exit code, as on Linux', async () => {
    const { results } = await runSteps(customStep('step:native', 'test/native-quiet.ps1'));
    expect(results[1]).toMatchObject({ status: 'failed', errorClass: 'step-failed', exitCode: 3, stderrTail: 'Zugriff verweigert\n', message: 'apply exited 3: Zugriff verweigert' });
  });

  it('a step whose state is still wrong after apply fails in verify', async () => {
    const { results, ended } = await runSteps(customStep('step:unverified', 'test/unverified.ps1'));
    expect(ended.complete).toBe(true);
    expect(results[1]).toMatchObject({ step: 'step:unverified', status: 'failed', exitCode: 1, message: 'verify exited 1: ImportPRF is not set', stdoutTail: 'set ImportPRF\n' });
    expect(results[2].status).toBe('skipped');
  });
});
