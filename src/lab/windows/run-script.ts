import { spawn } from 'node:child_process';
import iconv from 'iconv-lite';
import { quotePowerShell } from '../../render/quote.js';
import { findPwsh } from '../../shell/pwsh-path.js';
import { pwshArgv, windowsEnv } from './pwsh-launch.js';

/**
 * Runs a PowerShell script file on a Windows lab PC as a deployment tool does (a GPO start-up script, Intune): on the
 * PC itself, not over SSH, with the PC's simulated Windows commands loaded. Parameters are passed as quoted data.
 */
export function runScriptOnWindowsPc(pcDir: string, machineId: string, scriptFile: string, params: Record<string, string> = {}): Promise<{ exitCode: number | null; stdout: string; stderr: string }> {
  const pwsh = findPwsh();
  if (!pwsh) return Promise.reject(new Error('PowerShell 7 (pwsh) is needed to run a script on a Windows lab PC'));
  const args = Object.entries(params).map(([name, value]) => `-${name} ${quotePowerShell(value)}`).join(' ');
  const [exe, ...argv] = pwshArgv(pwsh, `& ${quotePowerShell(scriptFile)} ${args}`);
  return new Promise((resolve, reject) => {
    const child = spawn(exe, argv, { env: windowsEnv(pcDir, machineId, {}), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    // the PC's console writes its OEM code page (HS_SIM_OEMCP)
    const text = (parts: Buffer[]) => iconv.decode(Buffer.concat(parts), 'cp850');
    child.on('close', (exitCode) => resolve({ exitCode, stdout: text(out), stderr: text(err) }));
  });
}
