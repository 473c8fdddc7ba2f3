import { renderHomeReady } from './home-ready.js';
import { localTime } from '../../model/local-time.js';
import { renderCauses } from './causes.js';
import { countOf, escapeHtml } from './escape.js';
import type { HtmlReportData } from './gather.js';
import { renderMachineTable } from './machine-table.js';
import { renderOwnerGroups } from './owner-groups.js';
import { SEARCH_SCRIPT } from './script.js';
import { renderSiteProgress } from './site-progress.js';
import { REPORT_CSS } from './styles.js';
import { renderWorklists } from './worklists.js';

// Nothing may load from anywhere: the file is viewed offline and mailed around.
const CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

function renderTiles(data: HtmlReportData): string {
  const t = data.status.totals;
  const tiles: [string, number, string][] = [
    ['machines', t.machines, ''], ['done', t.done, 'done'], ['open cases', t.open, 'open'],
    ['escalated', t.escalated, 'escalated'], ['stale', t.stale, 'stale'], ['unfinished', t.unfinished, 'unfinished'], ['never tried', t.neverTried, 'never'], ['runs', data.runs, ''],
  ];
  return `<div class="tiles">${tiles.map(([label, n, css]) => `<div class="tile${css ? ` tile-${css}` : ''}"><span class="n">${n}</span><span class="l">${escapeHtml(label)}</span></div>`).join('')}</div>`;
}

function section(id: string, title: string, note: string, body: string, extraClass = ''): string {
  return `<section id="${id}"${extraClass ? ` class="${extraClass}"` : ''}>
<h2>${escapeHtml(title)}${note ? `<span class="muted">${escapeHtml(note)}</span>` : ''}</h2>
${body}
</section>`;
}

/** The whole report: one self-contained HTML document (inline CSS and script, no external resources). */
export function renderHtmlReport(data: HtmlReportData): string {
  const caseCount = data.worklists.reduce((n, w) => n + w.cases.length, 0);
  const nav = [['progress', 'Progress per site'], ['causes', 'Error causes'], ['home-ready', 'Home-ready over time'], ['groups', 'Owner groups'], ['worklists', 'Worklists'], ['machines', 'Machines']]
    .map(([id, label]) => `<a href="#${id}">${label}</a>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`homeshift report: ${data.title}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header class="top">
<h1>${escapeHtml(data.title)}: rollout report</h1>
<div class="meta">Generated ${escapeHtml(localTime(data.generatedAt))} from the ${escapeHtml(data.journal)}</div>
<nav>${nav}</nav>
</header>
<main>
${renderTiles(data)}
${section('progress', 'Progress per site', 'done, open cases, stale (plan changed since success), never tried', renderSiteProgress(data.status, data.siteNames, data.machines))}
${section('causes', 'Error causes', `${countOf(data.causes.length, 'cause')} behind ${countOf(caseCount, 'open case')}`, renderCauses(data.causes))}
${section('home-ready', 'PCs home-ready over time', 'per site, PCs whose last result is ok and that are not out of compliance, after each run', renderHomeReady(data.homeReady, data.siteNames))}
${section('groups', 'Owner groups and reaction times', 'open cases per group against their due time', renderOwnerGroups(data.groups))}
${section('worklists', 'Worklists per supporter', 'overdue cases first, then escalated, then the oldest', `<div class="worklists">${renderWorklists(data.worklists, (site) => data.siteLanguages[site] ?? 'en')}</div>`)}
${section('machines', 'Machines', countOf(data.machines.length, 'machine'), renderMachineTable(data.machines), 'machines-section')}
</main>
<footer>homeshift report &middot; ${escapeHtml(localTime(data.generatedAt))}</footer>
<script>${SEARCH_SCRIPT}</script>
</body>
</html>
`;
}
