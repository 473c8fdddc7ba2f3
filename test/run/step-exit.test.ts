/** Who a failure points at: a step whose own code ends the machine program is step-failed, not a defect of homeshift. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachinePlan, Plan, PlannedStep } from '../../src/model/plan.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { runMachine } from '../../src/run/machine-executor.js';
import { createRedactor } from '../../src/run/redact.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { createLocalTransport } from '../../src/transport/index.js';
import type { Transport } from '../../src/transport/transport.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';

const describePwsh = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** The local transport with PowerShell 7 standing in for powershell.exe: the program as a PC receives it. */
function pwshTransport(): Transport {
  const local = createLocalTransport();
  return {
    name: 'pwsh',
    async connect(target) {
      const conn = await local.connect(target);
      return { exec: (command, options) => conn.exec(command.replace(/^powershell\.exe /, `'${findPwsh()}' `), options), close: () => conn.close() };
    },
  };
}

function step(id: string, script: string): PlannedStep {
  return { id, title: id, script, vars: {}, files: [], secrets: [], checkOnly: false, timeout: 60 };
}

async function run(scriptText: string) {
  const project = buildFixtureProject();
  const pc = project.machines.find((m) => m.os === 'windows')!;
  const root = mkdtempSync(join(tmpdir(), 'hs-exit-'));
  roots.push(root);
  pc.vars = { root };
  const built = buildPlan(project, { machines: [pc] });
  const scripts: Plan['scripts'] = { ...built.scripts, 'test/step.ps1': { hash: 'step', text: scriptText } };
  const plan: MachinePlan = { ...built.machines[0], steps: [step('step:custom', 'test/step.ps1'), step('step:after', 'test/step.ps1')] };
  return runMachine(plan, {
    transport: pwshTransport(), scripts, mode: 'apply', secrets: {}, redact: createRedactor({}), projectRoot: root,
    retries: 0, retryBackoffMs: 0, hardStop: new AbortController().signal,
  });
}

describePwsh('a failure of a step\'s own code', () => {
  it('a template that calls exit 3 in its apply is step-failed with the step named', async () => {
    const result = await run('function Test-HsState { $false }\nfunction Invoke-HsApply { [Console]::Error.WriteLine("Lizenzserver nicht erreichbar"); exit 3 }\n');
    expect(result).toMatchObject({ status: 'failed', errorClass: 'step-failed', message: 'step:custom: exited 3: Lizenzserver nicht erreichbar' });
    expect(result.fingerprint).toMatch(/^step-failed:step:custom:/);
    expect(result.steps.map((s) => [s.step, s.status])).toEqual([['step:custom', 'failed'], ['step:after', 'skipped']]);
  });

  it('a template that throws is step-failed with its message, and what it reported before the throw is kept', async () => {
    const result = await run('function Test-HsState { $false }\nWrite-HsError "profile store locked"\nthrow "Vorlage kaputt: für Jürgen"\n');
    expect(result).toMatchObject({ status: 'failed', errorClass: 'step-failed', message: 'step:custom: script exited 2: Vorlage kaputt: für Jürgen' });
    expect(result.steps[0].stderrTail).toBe('profile store locked\nVorlage kaputt: für Jürgen\n');
  });
});
