import { Chalk } from 'chalk';
import { diagnosticText, formatPos, type Diagnostic } from '../model/index.js';
import { printable } from '../model/printable.js';
import { RULES } from './rules/index.js';

/** One line per finding: `file:line:col message [rule]`, warnings marked; colour only when asked. */
export function formatDiagnosticsText(diags: Diagnostic[], opts: { color: boolean }): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  return diags
    .map((d) => {
      const where = d.pos ? `${c.bold(printable(formatPos(d.pos)))} ` : '';
      const sev = d.severity === 'warning' ? c.yellow('warning: ') : '';
      const rule = d.severity === 'warning' ? c.yellow(`[${d.rule}]`) : c.red(`[${d.rule}]`);
      return `${where}${sev}${printable(diagnosticText(d))} ${rule}`;
    })
    .join('\n');
}

/** Stable JSON for machines: counts first, then the findings with fixed keys. */
export function formatDiagnosticsJson(diags: Diagnostic[]): string {
  const errors = diags.filter((d) => d.severity === 'error').length;
  const diagnostics = diags.map((d) => ({
    rule: d.rule,
    severity: d.severity,
    message: d.message,
    file: d.pos?.file ?? null,
    line: d.pos?.line ?? null,
    col: d.pos?.col ?? null,
    ...(d.pos?.column !== undefined ? { column: d.pos.column } : {}),
    machine: d.machine ?? null,
  }));
  return `${JSON.stringify({ errors, warnings: diags.length - errors, diagnostics }, null, 2)}\n`;
}

/**
 * JUnit XML for CI: one testsuite, one testcase per rule (every validate rule plus any load rule that fired).
 * A rule that never ran is skipped, not passed: all validate rules when the repository did not load (`evaluated`
 * false), and a check that could not run (a finding marked skipped, such as the PowerShell syntax check without pwsh).
 */
export function formatDiagnosticsJunit(diags: Diagnostic[], { evaluated = true }: { evaluated?: boolean } = {}): string {
  const byRule = new Map<string, Diagnostic[]>();
  for (const rule of RULES) byRule.set(rule.id, []);
  for (const d of diags) {
    if (!byRule.has(d.rule)) byRule.set(d.rule, []);
    byRule.get(d.rule)!.push(d);
  }
  const rules = [...byRule.keys()].sort();
  let failures = 0;
  let skipped = 0;
  const validateRules = new Set(RULES.map((r) => r.id));
  const cases = rules.map((rule) => {
    const found = byRule.get(rule)!;
    const errors = found.filter((d) => d.severity === 'error');
    const lines = found.map((d) => `${d.pos ? `${formatPos(d.pos)} ` : ''}${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`).join('\n');
    const open = `    <testcase classname="homeshift.validate" name="${escapeXml(rule)}">`;
    if (errors.length > 0) {
      failures++;
      const summary = `${errors.length} error${errors.length === 1 ? '' : 's'}${errors[0].pos ? `, first at ${formatPos(errors[0].pos)}` : ''}`;
      return `${open}\n      <failure type="${escapeXml(rule)}" message="${escapeXml(summary)}">${escapeXml(lines)}</failure>\n    </testcase>`;
    }
    const skip = found.find((d) => d.skipped);
    if (skip || (!evaluated && validateRules.has(rule) && found.length === 0)) {
      skipped++;
      const why = skip ? skip.message : 'not evaluated: the rollout repository did not load (see the load errors)';
      return `${open}\n      <skipped message="${escapeXml(why)}"/>${lines ? `\n      <system-out>${escapeXml(lines)}</system-out>` : ''}\n    </testcase>`;
    }
    if (found.length > 0) return `${open}\n      <system-out>${escapeXml(lines)}</system-out>\n    </testcase>`;
    return `${open}</testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="homeshift validate" tests="${rules.length}" failures="${failures}" skipped="${skipped}">`,
    `  <testsuite name="homeshift validate" tests="${rules.length}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Escapes text and attribute values; drops characters XML 1.0 cannot hold. */
function escapeXml(text: string): string {
  return printable(text, { keepLines: true })
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
