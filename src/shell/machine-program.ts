import type { MachinePlan, Plan } from '../model/plan.js';
import { buildPosixProgram, posixCommand } from './posix-program.js';
import { buildPowerShellProgram, encodePowerShellProgram, POWERSHELL_COMMAND } from './powershell-program.js';
import type { ProgramOptions } from './program-options.js';

const NONCE = /^[A-Za-z0-9_-]{8,64}$/;

/** One exec per machine: the command to run and what to write to its stdin; the steps report through markers. */
export function buildMachineProgram(plan: MachinePlan, scripts: Plan['scripts'], opts: ProgramOptions): { command: string; stdin: string } {
  if (!NONCE.test(opts.nonce)) throw new Error('nonce must be 8-64 characters of A-Z a-z 0-9 _ -');
  if (plan.machine.os === 'linux') return { command: posixCommand(plan.ssh.machineTimeout), stdin: buildPosixProgram(plan, scripts, opts) };
  return { command: POWERSHELL_COMMAND, stdin: encodePowerShellProgram(buildPowerShellProgram(plan, scripts, opts)) };
}
