import { groupReactions, renderOwnerGroups } from '../../src/report/html/owner-groups.js';
import type { OpenCaseView } from '../../src/journal/index.js';
import type { Routing } from '../../src/model/index.js';

const HOUR = 3_600_000;
const routing: Routing = {
  groups: { 'central-it': { members: ['it-ops@example.com'], lead: 'it-lead@example.com' } },
  rules: [{ classes: ['auth'], cause: null, site: null, to: 'central-it', reactWithin: '1h', reactWithinMs: HOUR, pos: { file: 'homeshift.yaml', line: 1, col: 1 } }],
};

const view = (machine: string, errorClass: 'auth' | 'unreachable', owner: string, ageH: number, due: string | null, overdue: boolean): OpenCaseView =>
  ({ machine, site: 'bruehl', errorClass, fingerprint: `${errorClass}:x`, owner, ageMs: ageH * HOUR, dueAt: due, overdue }) as OpenCaseView;

describe('owner groups and reaction times in the report', () => {
  const cases = [
    view('BRU-D0001', 'auth', 'it-ops@example.com', 3, '2026-11-24T10:00:00.000Z', true),
    view('BRU-D0002', 'auth', 'it-ops@example.com', 0.5, '2026-11-24T12:30:00.000Z', false),
    view('BRU-D0003', 'unreachable', 'Anna Berg <anna@example.com>', 26, null, false),
  ];

  it('counts each group\'s open cases within and past their due time, with the oldest and the owners', () => {
    expect(groupReactions(cases, routing)).toEqual([
      {
        group: 'central-it', lead: 'it-lead@example.com', open: 2, withinDue: 1, overdue: 1, noDue: 0, oldestAgeMs: 3 * HOUR,
        nextDue: '2026-11-24T12:30:00.000Z', owners: [{ owner: 'it-ops@example.com', open: 2, overdue: 1 }],
      },
      {
        group: 'site-supporters', lead: null, open: 1, withinDue: 0, overdue: 0, noDue: 1, oldestAgeMs: 26 * HOUR,
        nextDue: null, owners: [{ owner: 'Anna Berg <anna@example.com>', open: 1, overdue: 0 }],
      },
    ]);
  });

  it('renders a row per group with a bar, counts and escaped owners', () => {
    const html = renderOwnerGroups(groupReactions([...cases, view('BRU-D0004', 'unreachable', '<b>x</b>@example.com', 1, null, false)], routing));
    expect(html).toContain('<code>central-it</code>');
    expect(html).toContain('title="overdue: 1"');
    expect(html).toContain('1d 2h');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;@example.com');
    expect(renderOwnerGroups([])).toBe('<p class="empty">No open cases.</p>');
  });
});
