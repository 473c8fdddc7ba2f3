import { buildPlan } from '../../src/plan/build-plan.js';
import { buildMachineProgram } from '../../src/shell/machine-program.js';
import { POSIX_RUNTIME } from '../../src/shell/posix-runtime.js';
import { POWERSHELL_BOOTSTRAP } from '../../src/shell/powershell-program.js';
import { POWERSHELL_RUNTIME } from '../../src/shell/powershell-runtime.js';
import { renderWindowsBootstrap } from '../../src/bootstrap/windows-script.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { NONCE, SECRETS } from './run-helpers.js';

// names of the lab's simulation: its tool folder, its fault files and hooks, its variables
const LAB_NAMES = /\.sim\b|HS__?SIM|SIM_ROOT|hs__fault|HS__FAULT|sim_step|sim_fail|\/fail\/|simulat|homeshift lab/i;

describe('what a real PC receives carries no lab code', () => {
  it('the sh and PowerShell programs, for a PC at / and for one with its own root', () => {
    for (const root of [undefined, '/srv/pcs/BRU-D0001']) {
      const project = buildFixtureProject();
      if (root) for (const m of project.machines) m.vars = { root };
      const plan = buildPlan(project);
      const oses = new Set(plan.machines.map((m) => m.machine.os));
      expect(oses).toEqual(new Set(['linux', 'windows']));
      for (const machine of plan.machines) {
        for (const mode of ['apply', 'check'] as const) {
          const program = buildMachineProgram(machine, plan.scripts, { mode, secrets: SECRETS, nonce: NONCE });
          const text = machine.machine.os === 'windows' ? Buffer.from(program.stdin.trim(), 'base64').toString('utf8') : program.stdin;
          expect(`${program.command}\n${text}`).not.toMatch(LAB_NAMES);
        }
      }
    }
    expect(POSIX_RUNTIME).not.toMatch(LAB_NAMES);
    expect(POWERSHELL_RUNTIME + POWERSHELL_BOOTSTRAP).not.toMatch(LAB_NAMES);
  });

  it('the day-zero script for Windows PCs', () => {
    for (const msi of [null, '\\\\fs01\\software\\OpenSSH-Win64.msi']) {
      expect(renderWindowsBootstrap({ keys: ['ssh-ed25519 AAAAC3Nz ctl'], allowFrom: ['10.0.0.0/8'], collect: '\\\\fs01\\hostkeys$', msi })).not.toMatch(LAB_NAMES);
    }
  });
});
