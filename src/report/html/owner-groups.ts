import type { OpenCaseView } from '../../journal/index.js';
import { groupOfCase } from '../../cases/escalation-target.js';
import { formatAge } from '../../journal/escalation.js';
import { SITE_SUPPORTERS, type Routing } from '../../model/index.js';
import { localTime } from '../../model/local-time.js';
import { countOf, escapeHtml, renderPerson } from './escape.js';

/** One owner group's open cases against their due time: the reaction-time picture of the report. */
export interface GroupReaction {
  group: string;
  lead: string | null; // site-supporters: each site's second supporter
  open: number;
  withinDue: number;
  overdue: number;
  noDue: number; // no routing rule gave them a reaction time
  oldestAgeMs: number;
  nextDue: string | null; // the earliest due time still ahead
  owners: { owner: string; open: number; overdue: number }[];
}

/** Open cases by the group their routing rule names (site-supporters where none matches). */
export function groupReactions(cases: OpenCaseView[], routing: Routing | undefined): GroupReaction[] {
  const byGroup = new Map<string, OpenCaseView[]>();
  for (const c of cases) {
    const g = groupOfCase(routing, { errorClass: c.errorClass, fingerprint: c.fingerprint, site: c.site });
    byGroup.set(g, [...(byGroup.get(g) ?? []), c]);
  }
  const list = [...byGroup].map(([group, list]): GroupReaction => {
    const owners = new Map<string, { owner: string; open: number; overdue: number }>();
    for (const c of list) {
      const o = owners.get(c.owner ?? '(no owner)') ?? { owner: c.owner ?? '(no owner)', open: 0, overdue: 0 };
      o.open++;
      if (c.overdue) o.overdue++;
      owners.set(o.owner, o);
    }
    const ahead = list.filter((c) => c.dueAt !== null && !c.overdue).map((c) => c.dueAt!).sort();
    return {
      group, lead: group === SITE_SUPPORTERS ? null : routing?.groups[group]?.lead ?? null, open: list.length,
      overdue: list.filter((c) => c.overdue).length, withinDue: ahead.length, noDue: list.filter((c) => c.dueAt === null).length,
      oldestAgeMs: Math.max(...list.map((c) => c.ageMs)), nextDue: ahead[0] ?? null,
      owners: [...owners.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.owner.localeCompare(b.owner)),
    };
  });
  return list.sort((a, b) => b.overdue - a.overdue || b.open - a.open || a.group.localeCompare(b.group));
}

const PARTS = [
  { key: 'overdue', label: 'overdue', css: 'open' },
  { key: 'withinDue', label: 'within due time', css: 'done' },
  { key: 'noDue', label: 'no due time', css: 'never' },
] as const;

function renderBar(g: GroupReaction): string {
  const segments = PARTS.filter((p) => g[p.key] > 0).map((p) => `<span class="seg ${p.css}" style="width:${((100 * g[p.key]) / g.open).toFixed(2)}%" title="${escapeHtml(`${p.label}: ${g[p.key]}`)}"></span>`);
  return `<div class="bar" role="img" aria-label="${escapeHtml(PARTS.map((p) => `${p.label} ${g[p.key]}`).join(', '))}">${segments.join('')}</div>`;
}

function renderRow(g: GroupReaction): string {
  const lead = g.lead ? renderPerson(g.lead) : g.group === SITE_SUPPORTERS ? '<span class="muted">each site\'s second supporter</span>' : '<span class="muted">site\'s second supporter</span>';
  const owners = g.owners.map((o) => `<li>${renderPerson(o.owner)} <span class="muted">${o.open}${o.overdue ? `, <span class="t-open">${o.overdue} overdue</span>` : ''}</span></li>`).join('');
  return `<tr>
<th scope="row"><code>${escapeHtml(g.group)}</code><div class="muted">escalates to ${lead}</div></th>
<td class="bar-cell">${renderBar(g)}</td><td class="num">${g.open}</td>
<td class="num${g.overdue > 0 ? ' t-open' : ''}">${g.overdue}</td><td class="num">${g.withinDue}</td><td class="num">${g.noDue}</td>
<td class="num">${escapeHtml(formatAge(g.oldestAgeMs))}</td><td>${g.nextDue ? escapeHtml(localTime(g.nextDue)) : '-'}</td>
<td><ul class="owners">${owners}</ul></td></tr>`;
}

/** Per owner group: open cases against their due time (bar and counts), the oldest, the next due, and who owns them. */
export function renderOwnerGroups(groups: GroupReaction[]): string {
  if (groups.length === 0) return '<p class="empty">No open cases.</p>';
  const legend = PARTS.map((p) => `<span class="key"><span class="swatch ${p.css}"></span>${escapeHtml(p.label)}</span>`).join('');
  return `<div class="legend">${legend}</div>
<table class="progress groups">
<thead><tr><th scope="col">group</th><th scope="col">open cases against their due time</th><th scope="col" class="num">open</th>
<th scope="col" class="num">overdue</th><th scope="col" class="num">within due</th><th scope="col" class="num">no due time</th>
<th scope="col" class="num">oldest</th><th scope="col">next due</th><th scope="col">owners</th></tr></thead>
<tbody>
${groups.map(renderRow).join('\n')}
</tbody>
</table>
<p class="muted">${countOf(groups.reduce((n, g) => n + g.overdue, 0), 'case')} past due time.</p>`;
}
