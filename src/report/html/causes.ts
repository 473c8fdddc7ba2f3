import type { ErrorGroup } from '../../journal/index.js';
import { escapeHtml, renderPerson, toClassName } from './escape.js';

/** An error class as a coloured badge. */
export function renderClassBadge(errorClass: string | null): string {
  if (!errorClass) return '';
  return `<span class="badge cls-${toClassName(errorClass)}">${escapeHtml(errorClass)}</span>`;
}

const CLASS_NAMES: Record<string, string> = {
  validation: 'Invalid input', unreachable: 'PC not reachable', auth: 'Login refused or host key changed', timeout: 'Step took too long',
  'step-failed': 'Step failed', interrupted: 'Run interrupted', internal: 'Internal error',
};

/** A cause as people name it: "Step mailbox failed" for step-failed:mailbox:3f2a9c1b, else its error class in words. */
export function causeName(g: Pick<ErrorGroup, 'errorClass' | 'fingerprint'>): string {
  const step = /^(?:step-failed|timeout):([^:]+):/.exec(g.fingerprint)?.[1];
  const name = CLASS_NAMES[g.errorClass ?? ''] ?? 'Error';
  return step ? `${name}: ${step}` : name;
}

function renderCause(g: ErrorGroup, largest: number): string {
  const width = largest > 0 ? ((100 * g.count) / largest).toFixed(1) : '0';
  const more = g.count > g.machines.length ? ` <span class="muted">+${g.count - g.machines.length} more</span>` : '';
  return `<tr>
<td class="num"><span class="count">${g.count}</span><span class="count-bar"><span style="width:${width}%"></span></span></td>
<td>${renderClassBadge(g.errorClass)}</td>
<td><div class="cause"><strong>${escapeHtml(causeName(g))}</strong></div><div class="example">e.g. ${escapeHtml(g.example || g.cause)}</div><div class="todo">${escapeHtml(g.whatToDo)}</div><details class="muted"><summary>key for rerun --cause</summary><code class="fp">${escapeHtml(g.fingerprint)}</code></details></td>
<td>${g.machines.map((m) => `<code>${escapeHtml(m)}</code>`).join(' ')}${more}</td>
<td>${escapeHtml(g.sites.join(', '))}</td>
<td>${g.owners.map(renderPerson).join('') || '<span class="muted">none</span>'}</td>
<td class="num${g.escalated > 0 ? ' t-escalated' : ''}">${g.escalated}</td>
</tr>`;
}

/** Open cases grouped by cause (fingerprint), largest group first: an example message, what to do, then its key. */
export function renderCauses(groups: ErrorGroup[]): string {
  if (groups.length === 0) return '<p class="empty">No open cases: nothing has failed, or every failure was fixed by a later run.</p>';
  const largest = Math.max(...groups.map((g) => g.count));
  return `<table class="causes">
<thead><tr><th scope="col" class="num">cases</th><th scope="col">class</th><th scope="col">cause</th><th scope="col">sample machines</th>
<th scope="col">sites</th><th scope="col">owners</th><th scope="col" class="num">escalated</th></tr></thead>
<tbody>
${groups.map((g) => renderCause(g, largest)).join('\n')}
</tbody>
</table>`;
}
