import type { JournalStore } from '../../journal/index.js';
import { localTime } from '../../model/local-time.js';
import { countOf, escapeHtml } from './escape.js';

/** After one run: per site, how many PCs had a last apply result that is ok (ok or changed) and were not out of compliance. */
export interface HomeReadyPoint {
  runId: string;
  at: string; // when the run's last PC finished (its start when none did)
  bySite: Record<string, number>;
}

/**
 * "PCs home-ready over time", read from the journal's run rows, oldest run first: a PC counts from the run that
 * made it ok until a later run fails on it. Unlike open cases, the lines never rise just because sites are added.
 * Compliance: a PC the journal holds as not compliant counts as not home-ready from the moment it fell out of
 * compliance (its record's since) on; a PC never checked again since its rollout counts as compliant, as its checks
 * passed in the run that made it ok. Check runs (keep's compliance checks) add points, so that such a fall shows.
 */
export async function homeReadyOverTime(store: JournalStore): Promise<HomeReadyPoint[]> {
  const runs = await store.listRuns();
  const apply = new Set(runs.filter((r) => r.mode === 'apply').map((r) => r.id));
  const known = new Set(runs.map((r) => r.id));
  const outSince = new Map((await store.listCompliance()).filter((c) => c.state === 'not-compliant').map((c) => [c.machine, c.since]));
  const ready = new Map<string, { site: string; ok: boolean }>();
  const points: HomeReadyPoint[] = [];
  let current = null as { runId: string; at: string } | null;
  const close = (run: { runId: string; at: string } | null) => {
    if (!run) return;
    const bySite: Record<string, number> = {};
    for (const [machine, { site, ok }] of ready) {
      const out = outSince.get(machine);
      bySite[site] = (bySite[site] ?? 0) + (ok && !(out !== undefined && out <= run.at) ? 1 : 0);
    }
    points.push({ ...run, bySite });
  };
  for (const row of await store.listRunMachines({})) {
    if (!known.has(row.runId)) continue;
    if (current?.runId !== row.runId) {
      close(current);
      current = { runId: row.runId, at: row.finishedAt ?? row.startedAt ?? '' };
    }
    if (row.finishedAt && row.finishedAt > current.at) current.at = row.finishedAt;
    if (!apply.has(row.runId)) continue; // a check run's row is no result of the rollout: a point, not a change
    if (row.status === 'ok' || row.status === 'changed') ready.set(row.machine, { site: row.site, ok: true });
    else if (row.status === 'failed' || row.status === 'unreachable') ready.set(row.machine, { site: row.site, ok: false });
  }
  close(current);
  return points.filter((p) => p.at !== '');
}

const W = 760;
const H = 300;
const M = { top: 20, right: 20, bottom: 56, left: 56 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
const MAX_X_LABELS = 6; // 11px labels of "MM-DD HH:MM" need ~90px each; 6 fit PLOT_W with room between them
const fixed = (n: number): string => n.toFixed(1);

function yTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

/** A colour per site, spread around the hue circle so that neighbours differ. */
const colour = (i: number, n: number): string => `hsl(${Math.round((i * 360 * 7) / Math.max(n, 1)) % 360} 65% 42%)`;

/** One line per site of the PCs home-ready after each run; x labels thinned so they never overlap. */
export function renderHomeReady(points: HomeReadyPoint[], siteNames: Record<string, string>): string {
  if (points.length === 0) return '<p class="empty">No rollout has run yet: the chart starts with the first run.</p>';
  const sites = [...new Set(points.flatMap((p) => Object.keys(p.bySite)))].sort();
  const max = Math.max(...points.flatMap((p) => Object.values(p.bySite)));
  const ticks = yTicks(max);
  const top = ticks[ticks.length - 1];
  const y = (v: number): number => M.top + PLOT_H - (PLOT_H * v) / top;
  const times = points.map((p) => Date.parse(p.at));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  const xs = points.length === 1 ? [M.left + PLOT_W / 2] : last > first ? times.map((t) => M.left + (PLOT_W * (t - first)) / (last - first)) : points.map((_, i) => M.left + (PLOT_W * i) / (points.length - 1));
  const grid = ticks.map((t) => `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${fixed(y(t))}" y2="${fixed(y(t))}"/><text class="tick" x="${M.left - 8}" y="${fixed(y(t) + 4)}" text-anchor="end">${t}</text>`);
  const lines = sites.map((site, i) => {
    const d = points.map((p, k) => `${k === 0 ? 'M' : 'L'}${fixed(xs[k])},${fixed(y(p.bySite[site] ?? 0))}`).join(' ');
    const now = points[points.length - 1].bySite[site] ?? 0;
    return `<path class="site-line" d="${d}" stroke="${colour(i, sites.length)}"><title>${escapeHtml(`${siteNames[site] ?? site}: ${countOf(now, 'PC')} home-ready`)}</title></path>`;
  });
  // Labels at least a label's width apart: the first, the last, and evenly chosen ones between.
  const minGap = PLOT_W / MAX_X_LABELS;
  const labelled: number[] = [];
  for (let k = 0; k < points.length; k++) {
    const prev = labelled[labelled.length - 1];
    const isLast = k === points.length - 1;
    if (prev === undefined || xs[k] - xs[prev] >= minGap) labelled.push(k);
    else if (isLast && labelled.length > 1) labelled[labelled.length - 1] = k;
  }
  const anchor = (k: number) => (points.length > 1 && k === 0 ? 'start' : points.length > 1 && k === points.length - 1 ? 'end' : 'middle');
  const xLabels = labelled.map((k) => `<text class="tick" x="${fixed(xs[k])}" y="${H - M.bottom + 18}" text-anchor="${anchor(k)}">${escapeHtml(localTime(points[k].at).slice(5, 16))}</text>`);
  const latest = points[points.length - 1];
  const total = sites.reduce((n, s) => n + (latest.bySite[s] ?? 0), 0);
  const summary = `${countOf(total, 'PC')} home-ready in ${countOf(sites.length, 'site')} after ${countOf(points.length, 'run')}`;
  const legend = sites.map((site, i) => `<li><span class="swatch" style="background:${colour(i, sites.length)}"></span>${escapeHtml(siteNames[site] ?? site)} <span class="muted">${latest.bySite[site] ?? 0}</span></li>`);
  return `<svg class="home-ready" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="home-ready-title" xmlns="http://www.w3.org/2000/svg">
<title id="home-ready-title">${escapeHtml(summary)}</title>
${grid.join('\n')}
<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${fixed(y(0))}" y2="${fixed(y(0))}"/>
${lines.join('\n')}
${xLabels.join('\n')}
<text class="axis-label" x="${M.left + PLOT_W / 2}" y="${H - 12}" text-anchor="middle">run finished</text>
<text class="axis-label" transform="translate(14 ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">PCs home-ready</text>
</svg>
<ul class="legend">${legend.join('')}</ul>
<p class="caption">${escapeHtml(summary)}.</p>`;
}
