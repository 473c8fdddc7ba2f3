import { printable } from '../../src/model/printable.js';
import { formatDiagnostic } from '../../src/model/index.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { formatPlanText } from '../../src/plan/format-plan.js';
import { escapeHtml } from '../../src/report/html/escape.js';
import { formatTable } from '../../src/report/text-table.js';
import { formatDiagnosticsText } from '../../src/validate/format.js';
import { buildFixtureProject } from '../plan/fixture.js';

// Escape sequences that set the window title, clear and colour the screen; a bidi override; a faked output line.
const HOSTILE = 'Anna\u001b]0;owned\u0007\u001b[2J\u001b[31m \u202egnp.exe\u202c\nBRU-D9999  linux  site fake\u009b1m';
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('output never carries control characters from data', () => {
  it('printable shows controls and bidi characters as escapes', () => {
    expect(printable('a\u001b[31mb\u202ec\nd\te')).toBe('a\\u001B[31mb\\u202Ec\\nd\\te');
    expect(printable('a\nb\tc\rd', { keepLines: true })).toBe('a\nb\tc\\rd');
    expect(printable('Müller O\'Brien')).toBe('Müller O\'Brien');
  });

  it('plan text shows hostile names on their own line, escaped', () => {
    const project = buildFixtureProject();
    project.employees.get('e100001')!.firstName = HOSTILE;
    const plan = buildPlan(project, { machines: [project.machines[0]] });
    for (const text of [formatPlanText(plan, { color: false }), formatPlanText(plan, { machine: plan.machines[0].machine.id, color: false })]) {
      expect(text).not.toMatch(UNSAFE);
      expect(text.split('\n').filter((l) => l.startsWith('BRU-D9999'))).toEqual([]);
    }
    expect(formatPlanText(plan, { color: false })).toContain('employee  Anna\\u001B]0;owned\\u0007\\u001B[2J\\u001B[31m \\u202Egnp.exe\\u202C\\nBRU-D9999');
  });

  it('validate text, tables and HTML escape them too', () => {
    const d = { rule: 'x', severity: 'error' as const, message: `employee e1: ${HOSTILE}`, pos: { file: 'a\u001b.csv', line: 1, col: 2 } };
    expect(formatDiagnosticsText([d], { color: false })).not.toMatch(UNSAFE);
    expect(formatDiagnosticsText([d], { color: false }).split('\n')).toHaveLength(1);
    expect(formatDiagnostic(d)).not.toMatch(UNSAFE);
    expect(escapeHtml(`<b>${HOSTILE}</b>`)).not.toMatch(UNSAFE);
    expect(escapeHtml('<b>\u202e</b>')).toBe('&lt;b&gt;\\u202E&lt;/b&gt;');
    expect(formatTable(['a'], [[printable(HOSTILE)]])).not.toMatch(UNSAFE);
  });
});
