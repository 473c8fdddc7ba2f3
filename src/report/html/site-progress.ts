import type { SiteStatus, StatusReport } from '../../journal/index.js';
import { escapeHtml } from './escape.js';

type Counts = StatusReport['totals'];

const PARTS: { key: 'done' | 'open' | 'stale' | 'unfinished' | 'neverTried'; label: string; css: string }[] = [
  { key: 'done', label: 'done', css: 'done' },
  { key: 'open', label: 'open', css: 'open' },
  { key: 'stale', label: 'stale', css: 'stale' },
  { key: 'unfinished', label: 'unfinished', css: 'unfinished' },
  { key: 'neverTried', label: 'never tried', css: 'never' },
];

const percent = (n: number, total: number): string => (total > 0 ? ((100 * n) / total).toFixed(2) : '0');

function renderBar(counts: Counts): string {
  const segments = PARTS.filter((p) => counts[p.key] > 0).map((p) => {
    const n = counts[p.key];
    return `<span class="seg ${p.css}" style="width:${percent(n, counts.machines)}%" title="${escapeHtml(`${p.label}: ${n}`)}"></span>`;
  });
  return `<div class="bar" role="img" aria-label="${escapeHtml(PARTS.map((p) => `${p.label} ${counts[p.key]}`).join(', '))}">${segments.join('')}</div>`;
}

function renderRow(label: string, sub: string, counts: Counts, total = false): string {
  const done = counts.machines > 0 ? Math.round((100 * counts.done) / counts.machines) : 0;
  const cells = PARTS.map((p) => `<td class="num${counts[p.key] > 0 ? ` t-${p.css}` : ''}">${counts[p.key]}</td>`).join('');
  return `<tr${total ? ' class="total"' : ''}>
<th scope="row">${escapeHtml(label)}${sub ? `<span class="muted site-name">${escapeHtml(sub)}</span>` : ''}</th>
<td class="bar-cell">${renderBar(counts)}</td><td class="num">${done}%</td><td class="num">${counts.machines}</td>${cells}
<td class="num${counts.escalated > 0 ? ' t-escalated' : ''}">${counts.escalated}</td></tr>`;
}

/** Progress per site: a stacked bar (done / open / stale / unfinished / never tried) and the counts. */
export function renderSiteProgress(status: StatusReport, siteNames: Record<string, string>, deferred: readonly { id: string; site: string; deferred?: string }[] = []): string {
  if (status.sites.length === 0) return '<p class="empty">No machines in the inventory or the journal.</p>';
  const legend = PARTS.map((p) => `<span class="key"><span class="swatch ${p.css}"></span>${escapeHtml(p.label)}</span>`).join('');
  const name = (s: SiteStatus) => siteNames[s.site] && siteNames[s.site] !== s.site ? siteNames[s.site] : '';
  const rows = status.sites.map((s) => renderRow(s.site, name(s), s));
  if (status.sites.length > 1) rows.push(renderRow('all sites', '', status.totals, true));
  return `<div class="legend">${legend}</div>
<table class="progress">
<thead><tr><th scope="col">site</th><th scope="col" class="bar-cell">progress</th><th scope="col" class="num">done %</th><th scope="col" class="num">machines</th>
<th scope="col" class="num">done</th><th scope="col" class="num">open</th><th scope="col" class="num">stale</th><th scope="col" class="num">unfinished</th><th scope="col" class="num">never tried</th><th scope="col" class="num">escalated</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>${renderRebootPending(status)}${renderDeferred(deferred)}`;
}

/** The PCs that wait for a restart (an installer answered 3010 or 1641), by site; nothing when none does. */
function renderRebootPending(status: StatusReport): string {
  const waiting = status.sites.filter((s) => s.rebootPending?.length);
  if (waiting.length === 0) return '';
  const total = waiting.reduce((n, s) => n + (s.rebootPending?.length ?? 0), 0);
  const items = waiting.map((s) => `<li><strong>${escapeHtml(s.site)}</strong>: ${s.rebootPending!.length} &mdash; ${s.rebootPending!.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}</li>`);
  return `
<section class="reboot-pending"><h3>Reboot pending: ${total} PC${total === 1 ? '' : 's'}</h3>
<p class="caption">Installed; the software takes effect after the PC restarts.</p>
<ul>${items.join('')}</ul></section>`;
}

/** The PCs whose disturbing steps wait for their site's window of time or for the user to log off, by site. */
function renderDeferred(machines: readonly { id: string; site: string; deferred?: string }[]): string {
  const waiting = machines.filter((m) => m.deferred);
  if (waiting.length === 0) return '';
  const bySite = new Map<string, string[]>();
  for (const m of waiting) bySite.set(m.site, [...(bySite.get(m.site) ?? []), `<code>${escapeHtml(m.id)}</code> (${escapeHtml(m.deferred!)})`]);
  const items = [...bySite].map(([site, list]) => `<li><strong>${escapeHtml(site)}</strong>: ${list.length} &mdash; ${list.join(', ')}</li>`);
  return `
<section class="reboot-pending"><h3>Deferred: ${waiting.length} PC${waiting.length === 1 ? '' : 's'}</h3>
<p class="caption">Installs that need a restart, and the restart, wait for the site's window of time or for the colleague to log off; the rest is done.</p>
<ul>${items.join('')}</ul></section>`;
}
