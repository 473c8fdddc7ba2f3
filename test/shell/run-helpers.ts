import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installSimTools, simPath } from '../../src/lab/sim-tools.js';
import { buildPlan } from '../../src/plan/index.js';
import { buildFixtureProject } from '../plan/fixture.js';
import type { MachinePlan, Plan } from '../../src/model/index.js';
import { buildMachineProgram } from '../../src/shell/machine-program.js';
import { createResultParser, type ParsedEvent } from '../../src/shell/result-parser.js';

export const NONCE = 'n0nce-4f2a9c1e';
export const SECRETS = { vpnPsk: 'psk-Secret-42', enrolmentToken: 'tok-ABC-123' };

/**
 * Runs the command string through /bin/sh -c with the program on stdin, like sshd; kills its whole process group on
 * timeout. A root with the lab's simulated tools gets them first on PATH, as a lab PC gives them.
 */
function exec(command: string, stdin: string, timeoutMs: number, root: string): Promise<{ stdout: string; stderr: string; exitCode: number | null; timedOut: boolean }> {
  const env = existsSync(join(root, '.sim', 'bin')) ? { ...process.env, PATH: simPath(root, process.env.PATH) } : process.env;
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { detached: true, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      process.kill(-child.pid!, 'SIGTERM'); // the program's traps remove its temp folder
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, exitCode: code, timedOut });
    });
    child.stdin.end(stdin);
  });
}

/** Runs a linux machine program for real with /bin/sh (or the given shell), the way the run layer does over SSH. */
export async function runLinux(machine: MachinePlan, scripts: Plan['scripts'], mode: 'apply' | 'check' = 'apply', timeoutMs = 30000, shell?: string) {
  const program = buildMachineProgram(machine, scripts, { mode, secrets: SECRETS, nonce: NONCE });
  const command = shell ? program.command.replaceAll('/bin/sh -c', `${shell} -c`) : program.command;
  const stdin = program.stdin;
  const result = await exec(command, stdin, timeoutMs, machine.root);
  const parser = createResultParser(machine, NONCE, { secrets: Object.values(SECRETS) });
  const events: ParsedEvent[] = parser.push(result.stdout);
  const ended = parser.end();
  const results = events.flatMap((e) => (e.type === 'end' ? [e.result] : []));
  return { result, events, results, ended, stdin };
}

const labRoots: string[] = [];
afterAll(() => labRoots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** One linux machine of the fixture project, planned against a fresh root with the lab's simulated tools. */
export async function labMachine(prefix = 'hs-prog-') {
  const root = mkdtempSync(join(tmpdir(), prefix));
  labRoots.push(root);
  await installSimTools(root, { user: 'tina' });
  const project = buildFixtureProject();
  project.machines[0].vars = { root };
  const plan = buildPlan(project, { machines: [project.machines[0]] });
  return { root, machine: plan.machines[0], scripts: plan.scripts };
}
