import type { OpenCaseView, SupporterWorklist } from '../../journal/index.js';
import { localTime } from '../../model/local-time.js';
import { renderClassBadge } from './causes.js';
import { countOf, escapeHtml, renderPerson } from './escape.js';

function renderCase(c: OpenCaseView): string {
  const flag = c.escalated ? `<span class="badge escalated" title="${escapeHtml(`escalated ${localTime(c.escalatedAt)}`)}">escalated</span>` : '';
  return `<tr${c.escalated ? ' class="is-escalated"' : ''}>
<td><code>${escapeHtml(c.machine)}</code></td><td>${escapeHtml(c.site)}</td><td>${flag}</td>
<td class="num" title="${escapeHtml(`first failed ${localTime(c.firstFailed)}`)}">${escapeHtml(c.age)}</td><td class="num">${c.attempts}</td>
<td>${renderClassBadge(c.errorClass)}</td><td class="msg">${escapeHtml(c.message ?? c.cause)}</td>
</tr>`;
}

function renderWorklist(list: SupporterWorklist): string {
  const escalated = list.escalated > 0 ? ` <span class="badge escalated">${list.escalated} escalated</span>` : '';
  return `<article class="worklist">
<h3>${renderPerson(list.owner)} <span class="muted">${countOf(list.cases.length, 'open case')}</span>${escalated}</h3>
<table class="cases">
<colgroup><col class="c-machine"><col class="c-site"><col class="c-flag"><col class="c-age"><col class="c-attempts"><col class="c-class"><col></colgroup>
<thead><tr><th scope="col">machine</th><th scope="col">site</th><th scope="col"></th><th scope="col" class="num">age</th>
<th scope="col" class="num">attempts</th><th scope="col">class</th><th scope="col">cause</th></tr></thead>
<tbody>
${list.cases.map(renderCase).join('\n')}
</tbody>
</table>
</article>`;
}

/** Per owner: their open cases, escalated first, with age, attempts and the cause. */
export function renderWorklists(lists: SupporterWorklist[]): string {
  if (lists.length === 0) return '<p class="empty">No open cases, so nobody has work left.</p>';
  return lists.map(renderWorklist).join('\n');
}
