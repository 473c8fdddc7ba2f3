import type { Diagnostic } from '../../src/model/index.js';
import { RULES, formatDiagnosticsJson, formatDiagnosticsJunit, formatDiagnosticsText } from '../../src/validate/index.js';

const DIAGS: Diagnostic[] = [
  { rule: 'unknown-user', severity: 'error', message: 'machine BRU-D0042: user e100999 is not in the directory', pos: { file: 'inventory/bruehl.yaml', line: 42, col: 7 }, machine: 'BRU-D0042' },
  { rule: 'site-mismatch', severity: 'warning', message: 'machine BRU-D0043: employee <x> & "y" belongs to site koeln', pos: { file: 'inventory/bruehl.yaml', line: 43, col: 7 } },
  { rule: 'yaml-syntax', severity: 'error', message: "YAML syntax error: bad ' \u0001 char" },
];

describe('diagnostic output', () => {
  it('text: one line each, colour only when asked', () => {
    const plain = formatDiagnosticsText(DIAGS, { color: false });
    expect(plain.split('\n')).toEqual([
      'inventory/bruehl.yaml:42:7 machine BRU-D0042: user e100999 is not in the directory [unknown-user]',
      'inventory/bruehl.yaml:43:7 warning: machine BRU-D0043: employee <x> & "y" belongs to site koeln [site-mismatch]',
      "YAML syntax error: bad ' \\u0001 char [yaml-syntax]",
    ]);
    expect(plain).not.toMatch(/\u001b\[/);
    expect(formatDiagnosticsText(DIAGS, { color: true })).toMatch(/\u001b\[/);
  });

  it('json: counts and fixed keys', () => {
    const parsed = JSON.parse(formatDiagnosticsJson(DIAGS));
    expect(parsed.errors).toBe(2);
    expect(parsed.warnings).toBe(1);
    expect(Object.keys(parsed)).toEqual(['errors', 'warnings', 'diagnostics']);
    expect(parsed.diagnostics[0]).toEqual({ rule: 'unknown-user', severity: 'error', message: DIAGS[0].message, file: 'inventory/bruehl.yaml', line: 42, col: 7, machine: 'BRU-D0042' });
    expect(parsed.diagnostics[2]).toMatchObject({ file: null, line: null, col: null, machine: null });
    expect(formatDiagnosticsJson([])).toBe(formatDiagnosticsJson([]));
  });

  it('junit: one testsuite, a testcase per rule, failures for errors only, escaped', () => {
    const xml = formatDiagnosticsJunit(DIAGS);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true);
    expect(xml.match(/<testsuite /g)).toHaveLength(1);
    const cases = xml.match(/<testcase /g)!.length;
    expect(cases).toBe(RULES.length + 1); // every rule plus yaml-syntax
    expect(xml).toContain(`tests="${cases}" failures="2"`);
    expect(xml).toContain('<failure type="unknown-user" message="1 error, first at inventory/bruehl.yaml:42:7">');
    expect(xml).toContain('employee &lt;x&gt; &amp; &quot;y&quot; belongs');
    expect(xml).toContain('bad &apos; \\u0001 char');
    expect(xml).not.toMatch(/\u0001/);
    expect(xml).toMatch(/<testcase classname="homeshift.validate" name="site-mismatch">\n\s+<system-out>/);
    // well-formed enough: every opened element is closed in order
    const stack: string[] = [];
    for (const m of xml.matchAll(/<(\/?)([a-z-]+)[^>]*?(\/?)>/g)) {
      if (m[3] === '/') continue;
      if (m[1] === '/') expect(stack.pop()).toBe(m[2]);
      else stack.push(m[2]);
    }
    expect(stack).toEqual([]);
  });

  it('junit: a check that did not run and rules never evaluated are skipped, not passed', () => {
    const pwshMissing = { rule: 'powershell-51', severity: 'warning' as const, message: 'PowerShell 5.1 syntax check of 2 Windows template(s) skipped: pwsh not found', skipped: true as const };
    const xml = formatDiagnosticsJunit([pwshMissing]);
    expect(xml).toMatch(/<testcase classname="homeshift.validate" name="powershell-51">\n\s+<skipped message="PowerShell 5.1 syntax check[^"]*pwsh not found"\/>/);
    expect(xml).toContain('failures="0" errors="0" skipped="1"');
    const unloaded = formatDiagnosticsJunit([{ rule: 'yaml-syntax', severity: 'error', message: 'bad' }], { evaluated: false });
    expect(unloaded).toContain(`failures="1" errors="0" skipped="${RULES.length}"`);
    expect(unloaded).toMatch(/name="unknown-user">\n\s+<skipped message="not evaluated/);
  });
});
