import { renderClassBadge } from './causes.js';
import { localTime } from '../../model/local-time.js';
import { countOf, escapeHtml, toClassName } from './escape.js';
import type { MachineRow } from './gather.js';

function renderRow(m: MachineRow): string {
  const last = m.lastStatus ? `${escapeHtml(localTime(m.lastRun))} <span class="muted">${escapeHtml(m.lastStatus)}</span>` : '<span class="muted">never</span>';
  const flag = (m.escalated ? ' <span class="badge escalated">escalated</span>' : '') + (m.rebootPending ? ' <span class="badge reboot">reboot pending</span>' : '')
    + (m.deferred ? ` <span class="badge deferred" title="${escapeHtml(m.deferred)}">deferred: ${escapeHtml(m.deferred)}</span>` : '');
  return `<tr data-state="${escapeHtml(m.state)}">
<td><code>${escapeHtml(m.id)}</code></td><td>${escapeHtml(m.site)}</td><td class="nowrap">${escapeHtml(m.role)}</td><td>${escapeHtml(m.os)}</td>
<td><span class="state st-${toClassName(m.state)}">${escapeHtml(m.state)}</span>${flag}</td><td class="nowrap">${last}</td>
<td>${renderClassBadge(m.errorClass)}</td><td class="msg">${escapeHtml(m.message ?? '')}</td>
</tr>`;
}

/** Every machine with its state and last result, and a search box that filters the rows. */
export function renderMachineTable(machines: MachineRow[]): string {
  if (machines.length === 0) return '<p class="empty">No machines in the inventory or the journal.</p>';
  return `<div class="search no-print">
<label for="machine-search">Search</label>
<input id="machine-search" type="search" placeholder="machine, site, profile, status, class, message…" autocomplete="off">
<span id="machine-count" class="muted" aria-live="polite">${countOf(machines.length, 'machine')}</span>
</div>
<table class="machines" id="machine-table">
<thead><tr><th scope="col">machine</th><th scope="col">site</th><th scope="col">profile</th><th scope="col">os</th><th scope="col">status</th>
<th scope="col">last run</th><th scope="col">class</th><th scope="col">message</th></tr></thead>
<tbody>
${machines.map(renderRow).join('\n')}
</tbody>
</table>
<p id="machine-none" class="empty" hidden>No machine matches the search.</p>`;
}
