import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPlan } from '../../src/plan/build-plan.js';
import { findPwsh } from '../../src/shell/pwsh-path.js';
import { buildPowerShellProgram, POWERSHELL_BOOTSTRAP } from '../../src/shell/powershell-program.js';
import { POWERSHELL_RUNTIME } from '../../src/shell/powershell-runtime.js';
import { checkPowerShellSyntax, POWERSHELL_SYNTAX_CHECKER, type PowerShellText } from '../../src/shell/powershell-syntax.js';
import { renderWindowsBootstrap } from '../../src/bootstrap/windows-script.js';
import { buildFixtureProject, REPO } from '../plan/fixture.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';
import { NONCE, SECRETS } from './run-helpers.js';

const describePwsh = pwshAvailable() ? describe : describe.skip;
if (!pwshAvailable()) console.warn(PWSH_MISSING);

/** Every PowerShell text homeshift ships or generates. */
function shippedTexts(): PowerShellText[] {
  const dir = join(REPO, 'templates', 'windows');
  const templates = readdirSync(dir).filter((f) => f.endsWith('.ps1')).map((f) => ({ name: `templates/windows/${f}`, text: readFileSync(join(dir, f), 'utf8') }));
  const project = buildFixtureProject();
  const plan = buildPlan(project, { machines: project.machines.filter((m) => m.os === 'windows') });
  const programs = plan.machines.map((m) => ({ name: `program ${m.machine.id}`, text: buildPowerShellProgram(m, plan.scripts, { mode: 'apply', secrets: SECRETS, nonce: NONCE }) }));
  const scripts = Object.entries(plan.scripts).filter(([name]) => name.endsWith('.ps1')).map(([name, s]) => ({ name: `plan script ${name}`, text: s.text }));
  return [
    { name: 'bootstrap', text: POWERSHELL_BOOTSTRAP },
    { name: 'runtime', text: POWERSHELL_RUNTIME },
    { name: 'syntax checker', text: POWERSHELL_SYNTAX_CHECKER },
    // day zero, with hostile values where an admin's input lands
    ...[null, "\\\\fs01\\soft'ware\\OpenSSH $(x).msi"].map((msi) => ({
      name: `bootstrap windows${msi ? ' (msi)' : ''}`,
      text: renderWindowsBootstrap({ keys: ["ssh-ed25519 AAAAC3Nz O'Brien $(reboot) `x`"], allowFrom: ['10.0.0.0/8', 'fe80::/10'], collect: "\\\\fs01\\host'keys$", msi }),
    })),
    ...templates,
    ...programs,
    ...scripts,
  ];
}

describePwsh('Windows PowerShell 5.1 syntax check', () => {
  const pwsh = findPwsh()!;

  it('finds nothing in what homeshift ships or generates', () => {
    const texts = shippedTexts();
    expect(texts.filter((t) => t.name.startsWith('templates/')).length).toBeGreaterThanOrEqual(7);
    expect(texts.some((t) => t.name.startsWith('program '))).toBe(true);
    expect(checkPowerShellSyntax(texts, pwsh)).toEqual([]);
  });

  it('reports every PowerShell 7 construct at its operator, and parse errors, in one pwsh run', () => {
    const texts: PowerShellText[] = [
      { name: 'ternary.ps1', text: '$x = 1\n$y = $x -gt 0 ? "yes" : "no"\n' },
      { name: 'coalesce.ps1', text: '$a = $null\n$b = 2\n$c = $a ?? $b\n$a ??= 5\n' },
      { name: 'null-conditional.ps1', text: '$o = $null\n${o}?.Name\n${o}?.ToString()\n${o}?[0]\n' },
      { name: 'chain.ps1', text: 'Get-Item . && Write-Output ok\nGet-Item nope || Write-Output fallback\n' },
      { name: 'parallel.ps1', text: '1..3 | ForEach-Object -Parallel { $_ }\n1..3 | foreach -Par { $_ }\n1..3 | ForEach-Object { $_ }\n' },
      { name: 'clean.ps1', text: 'function Test-It {\n  process { $_ }\n  clean { "done" }\n}\n' },
      { name: 'broken.ps1', text: 'function Test-HsState {\n  if ($true {\n}\n' },
      { name: 'fine.ps1', text: 'function Test-HsState { if ($null -eq $a) { $b } else { $a } }\n' },
      { name: 'umlauts.ps1', text: '# Müller\n$ä = "Grüße" ?? "x"\n' },
    ];
    const found = checkPowerShellSyntax(texts, pwsh).map((f) => `${f.name}:${f.line}:${f.col} ${f.kind} ${f.message.split(' is PowerShell 7')[0]}`);
    expect(found.filter((f) => !f.includes('parse-error'))).toEqual([
      "chain.ps1:1:12 not-in-5.1 the pipeline chain operator '&&'",
      "chain.ps1:2:15 not-in-5.1 the pipeline chain operator '||'",
      "clean.ps1:3:3 not-in-5.1 a 'clean' block",
      "coalesce.ps1:3:9 not-in-5.1 the null-coalescing operator '??'",
      "coalesce.ps1:4:4 not-in-5.1 the null-coalescing assignment '??='",
      "null-conditional.ps1:2:5 not-in-5.1 the null-conditional member access '?.'",
      "null-conditional.ps1:3:5 not-in-5.1 the null-conditional member access '?.'",
      "null-conditional.ps1:4:5 not-in-5.1 the null-conditional index '?[]'",
      'parallel.ps1:1:23 not-in-5.1 ForEach-Object -Parallel',
      'parallel.ps1:2:16 not-in-5.1 ForEach-Object -Parallel',
      "ternary.ps1:2:15 not-in-5.1 the ternary operator '? :'",
      "umlauts.ps1:2:14 not-in-5.1 the null-coalescing operator '??'",
    ]);
    const broken = found.filter((f) => f.includes('parse-error'));
    expect(broken.length).toBeGreaterThan(0);
    expect(broken.every((f) => f.startsWith('broken.ps1:'))).toBe(true);
  });

  it('checks nothing and starts no pwsh for no texts', () => {
    expect(checkPowerShellSyntax([], '/nonexistent/pwsh')).toEqual([]);
    expect(() => checkPowerShellSyntax([{ name: 'x', text: '1' }], '/nonexistent/pwsh')).toThrow(/cannot run/);
  });
});
