/**
 * The machine program leaves the console's code page as the PC has it, so what native tools write in it reaches
 * the result as text: cp850 (German Windows), cp437 (English), and a nested PowerShell's CLIXML error stream
 * without PowerShell's complaint about the lines around it. Real pwsh, the console set up as Windows finds it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { MachinePlan, Plan, PlannedStep } from '../../src/model/plan.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { decodePowerShellCommand, encodePowerShellCommand } from '../../src/render/quote.js';
import { buildMachineProgram } from '../../src/shell/machine-program.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { createResultParser } from '../../src/shell/result-parser.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { NONCE, SECRETS } from './run-helpers.js';

const describePwsh = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A native tool (a real executable) that writes these bytes to its error stream and exits 5. */
function tool(root: string, stderr: Uint8Array, stdout: Uint8Array = Buffer.alloc(0)): string {
  writeFileSync(join(root, 'err.bin'), stderr);
  writeFileSync(join(root, 'out.bin'), stdout);
  const file = join(root, 'tool');
  writeFileSync(file, `#!/bin/sh\ncat '${join(root, 'out.bin')}'\ncat '${join(root, 'err.bin')}' >&2\nexit 5\n`);
  chmodSync(file, 0o755);
  return file;
}

/** Runs one step calling the tool, in pwsh whose console starts in `codePage` as a Windows console does. */
async function runStep(codePage: number, script: (tool: string) => string, stderr: Uint8Array, stdout?: Uint8Array) {
  const project = buildFixtureProject();
  const pc = project.machines.find((m) => m.os === 'windows')!;
  const root = mkdtempSync(join(tmpdir(), 'hs-oem-'));
  roots.push(root);
  pc.vars = { root };
  const built = buildPlan(project, { machines: [pc] });
  const step: PlannedStep = { id: 'step:native', title: 'native', script: 'test/native.ps1', vars: {}, files: [], secrets: [], checkOnly: false, timeout: 60 };
  const scripts: Plan['scripts'] = { ...built.scripts, 'test/native.ps1': { hash: 'n', text: script(tool(root, stderr, stdout)) } };
  const plan: MachinePlan = { ...built.machines[0], steps: [step] };
  const program = buildMachineProgram(plan, scripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE });
  const bootstrap = decodePowerShellCommand(program.command.split(' ').at(-1)!);
  const console = `[Console]::OutputEncoding = [System.Text.Encoding]::GetEncoding(${codePage})\n${bootstrap}`;
  const stdoutText = await new Promise<string>((resolve, reject) => {
    const child = spawn(findPwsh()!, ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShellCommand(console)], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out));
    child.stdin.end(program.stdin);
  });
  const parser = createResultParser(plan, NONCE);
  return parser.push(stdoutText).flatMap((e) => (e.type === 'end' ? [e.result] : []))[0];
}

const UNCHECKED = (t: string) => `function Test-HsState { $false }\nfunction Invoke-HsApply { & '${t}' }\n`;
const THROWING = (t: string) => `function Test-HsState { $false }\nfunction Invoke-HsApply { $lines = @(Invoke-HsNative '${t}' -File x -f); $lines | Write-Output; throw "tool exited $($LASTEXITCODE): $($lines[-1])" }\n`;
const CLIXML = (text: string) => '#< CLIXML\r\n<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">' +
  `<S S="Error">${text}_x000D__x000A_</S></Objs>\r\nnach dem Block\r\n`;

describePwsh('native tools\' words in the PC\'s code page', () => {
  it.each([
    [850, 'Zugriff verweigert für C:\\Users\\Jürgen, Größe 3 Á'],
    [437, 'Access denied for C:\\Users\\José ╡ Größe'],
  ])('code page %i: stderr and stdout of an unchecked native tool arrive as text', async (codePage, words) => {
    const bytes = iconv.encode(`${words}\r\n`, `cp${codePage}`);
    const result = await runStep(codePage, UNCHECKED, bytes, bytes);
    expect(result).toMatchObject({ status: 'failed', errorClass: 'step-failed', exitCode: 5, message: `apply exited 5: ${words}` });
    expect(result.stderrTail).toBe(`${words}\n`);
    expect(result.stdoutTail).toBe(`${words}\n`);
  });

  it('a nested PowerShell\'s CLIXML error stream: its message, kept before the step\'s throw, and no complaint', async () => {
    const words = 'Zugriff verweigert für C:\\ProgramData';
    const result = await runStep(850, THROWING, iconv.encode(CLIXML(words), 'cp850'));
    expect(result).toMatchObject({ status: 'failed', message: `apply exited 5: tool exited 5: ${words}` });
    expect(result.stdoutTail).toBe(`${words}\n`);
    for (const noise of ['\ufffd', 'CLIXML', 'Cannot process the XML', '<Objs']) expect(JSON.stringify(result)).not.toContain(noise);
  });
});
