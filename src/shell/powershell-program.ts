import type { MachinePlan, Plan } from '../model/plan.js';
import { formatPowerShellPrelude, secretVarName } from '../render/prelude.js';
import { encodePowerShellCommand, quotePowerShell } from '../render/quote.js';
import { machineVars } from './machine-prelude.js';
import { POWERSHELL_RUNTIME } from './powershell-runtime.js';
import { fillSecrets, stepSecrets } from './secrets.js';
import type { ProgramOptions } from './program-options.js';

/** Reads the program from stdin as base64 text and runs it: no command-line length limit, no code pages. */
export const POWERSHELL_BOOTSTRAP =
  "$ErrorActionPreference = 'Stop'; " +
  '$HS__Program = [System.Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd().Trim())); ' +
  '. ([scriptblock]::Create($HS__Program))';

export const POWERSHELL_COMMAND = `powershell.exe -NoProfile -NonInteractive -EncodedCommand ${encodePowerShellCommand(POWERSHELL_BOOTSTRAP)}`;

/** The PowerShell program that runs every step of one machine and prints the result markers. */
export function buildPowerShellProgram(plan: MachinePlan, scripts: Plan['scripts'], opts: ProgramOptions): string {
  const lines: string[] = [
    formatPowerShellPrelude({ HS__Nonce: opts.nonce, HS__Mode: opts.mode }),
    formatPowerShellPrelude(machineVars(plan)),
    POWERSHELL_RUNTIME,
  ];
  const scriptNames = new Map<string, string>();
  for (const step of plan.steps) {
    if (scriptNames.has(step.script)) continue;
    const text = scripts[step.script]?.text;
    if (text === undefined) throw new Error(`plan has no text for script ${step.script}`);
    const name = `HS__Script${scriptNames.size + 1}`;
    scriptNames.set(step.script, name);
    lines.push(`$${name} = ${quotePowerShell(text)}`);
  }
  lines.push('New-Item -ItemType Directory -Force -Path $HS__Tmp | Out-Null', 'try {');
  plan.steps.forEach((step, index) => {
    const vars: Record<string, string> = { ...step.vars };
    for (const [name, value] of Object.entries(stepSecrets(step, opts.secrets))) vars[secretVarName(name)] = value;
    const files = step.files.map((f) => `@{ Path = ${quotePowerShell(f.path)}; Data = '${Buffer.from(fillSecrets(f, opts.secrets, step.id), 'utf8').toString('base64')}' }`);
    lines.push(`# step ${index}: ${step.id.replace(/[^A-Za-z0-9:._-]/g, '?')}`);
    lines.push(`Write-HsMarker 'start ${index}'`);
    lines.push(`if ($HS__Failed) { Write-HsMarker 'end ${index} skipped - 0 - - -' } else {`);
    lines.push('  $HS__Ok = & {');
    if (Object.keys(vars).length) lines.push(formatPowerShellPrelude(vars));
    lines.push(`    Invoke-HsStep -Index ${index} -CheckOnly $${step.checkOnly ? 'true' : 'false'} -Script $${scriptNames.get(step.script)} -Files @(${files.join(', ')})`);
    lines.push('  }');
    lines.push('  if (-not $HS__Ok) { $HS__Failed = $true }');
    lines.push('}');
  });
  lines.push('} finally { Remove-Item -LiteralPath $HS__Tmp -Recurse -Force -ErrorAction SilentlyContinue }');
  lines.push("Write-HsMarker 'done'");
  return lines.join('\n') + '\n';
}

/** stdin for the bootstrap: the program as base64 of its UTF-8 bytes. */
export function encodePowerShellProgram(program: string): string {
  return Buffer.from(program, 'utf8').toString('base64') + '\n';
}
