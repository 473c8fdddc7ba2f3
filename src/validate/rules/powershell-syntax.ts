import { isAbsolute } from 'node:path';
import type { Diagnostic, TemplateSource } from '../../model/index.js';
import { checkPowerShellSyntax } from '../../shell/powershell-syntax.js';
import { findPwsh, PWSH_HINT } from '../../shell/pwsh-path.js';
import { reporter, type Rule } from '../rule.js';

/** The repository's own PowerShell templates; the shipped ones are checked by homeshift's own tests. */
function ownPowerShellTemplates(templates: Map<string, TemplateSource>): TemplateSource[] {
  const own = (file: string) => !isAbsolute(file) && !file.startsWith('..');
  return [...templates.values()].filter((t) => t.name.toLowerCase().endsWith('.ps1') && own(t.file));
}

export const powershell51Syntax: Rule = {
  id: 'powershell-51', severity: 'error', description: "the repository's own PowerShell templates parse as Windows PowerShell 5.1 (what Windows 10 PCs run)",
  check(project) {
    const templates = ownPowerShellTemplates(project.templates);
    if (templates.length === 0) return []; // no pwsh process for a repository without PowerShell of its own
    const report = reporter(this);
    const pwsh = findPwsh();
    const skipped = (why: string): Diagnostic[] => [
      { rule: this.id, severity: 'warning', message: `PowerShell 5.1 syntax check of ${templates.length} Windows template(s) skipped: ${why}`, skipped: true },
    ];
    if (!pwsh) return skipped(`pwsh not found (${PWSH_HINT})`);
    try {
      const findings = checkPowerShellSyntax(templates.map((t) => ({ name: t.file, text: t.text })), pwsh);
      return findings.map((f) => report(f.message, { file: f.name, line: f.line, col: f.col }));
    } catch (error) {
      return skipped((error as Error).message);
    }
  },
};
