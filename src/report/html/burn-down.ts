import type { BurnDownPoint } from '../../journal/index.js';
import { localTime } from '../../model/local-time.js';
import { countOf, escapeHtml } from './escape.js';

const W = 760;
const H = 280;
const M = { top: 24, right: 24, bottom: 52, left: 52 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

/** 0, a round step, ... up to at least max: the y axis ticks. */
function yTicks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw) ?? raw);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

/** x positions by time; runs at the same instant (or a single run) are spread evenly instead. */
function xPositions(points: BurnDownPoint[]): number[] {
  const times = points.map((p) => Date.parse(p.at));
  const [first, last] = [Math.min(...times), Math.max(...times)];
  if (points.length === 1) return [M.left + PLOT_W / 2];
  if (!(last > first)) return points.map((_, i) => M.left + (PLOT_W * i) / (points.length - 1));
  return times.map((t) => M.left + (PLOT_W * (t - first)) / (last - first));
}

const fixed = (n: number): string => n.toFixed(1);
// the outermost time labels stay inside the chart
const anchorAt = (i: number, n: number): string => (n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle');

/** The burn-down of open cases: one point after each apply run, x = when the run finished. */
export function renderBurnDown(points: BurnDownPoint[]): string {
  if (points.length === 0) return '<p class="empty">No rollout has run yet: the burn-down starts with the first run.</p>';
  const ticks = yTicks(Math.max(...points.map((p) => p.open)));
  const top = ticks[ticks.length - 1];
  const y = (v: number): number => M.top + PLOT_H - (PLOT_H * v) / top;
  const xs = xPositions(points);
  const grid = ticks.map((t) => `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${fixed(y(t))}" y2="${fixed(y(t))}"/><text class="tick" x="${M.left - 8}" y="${fixed(y(t) + 4)}" text-anchor="end">${t}</text>`);
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${fixed(xs[i])},${fixed(y(p.open))}`).join(' ');
  const area = `${line} L${fixed(xs[xs.length - 1])},${fixed(y(0))} L${fixed(xs[0])},${fixed(y(0))} Z`;
  const labelEvery = Math.max(1, Math.ceil(points.length / 8));
  const dots = points.map((p, i) => {
    const label = `${localTime(p.at)}, run ${p.runId}: ${countOf(p.open, 'open case')}`;
    const value = points.length <= 30 ? `<text class="value" x="${fixed(xs[i])}" y="${fixed(y(p.open) - 9)}" text-anchor="middle">${p.open}</text>` : '';
    return `<g class="point"><circle cx="${fixed(xs[i])}" cy="${fixed(y(p.open))}" r="4.5"><title>${escapeHtml(label)}</title></circle>${value}</g>`;
  });
  const xLabels = points
    .map((p, i) => ({ p, i }))
    .filter(({ i }) => i % labelEvery === 0 || i === points.length - 1)
    .map(({ p, i }) => `<text class="tick" x="${fixed(xs[i])}" y="${H - M.bottom + 18}" text-anchor="${anchorAt(i, points.length)}">${escapeHtml(localTime(p.at).slice(5, 16))}</text>`);
  const summary = `Open cases after each of ${countOf(points.length, 'run')}: ${points.map((p) => p.open).join(', ')}`;
  return `<svg class="burn-down" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="burn-down-title" xmlns="http://www.w3.org/2000/svg">
<title id="burn-down-title">${escapeHtml(summary)}</title>
${grid.join('\n')}
<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${fixed(y(0))}" y2="${fixed(y(0))}"/>
<path class="area" d="${area}"/>
<path class="line" d="${line}"/>
${dots.join('\n')}
${xLabels.join('\n')}
<text class="axis-label" x="${M.left + PLOT_W / 2}" y="${H - 10}" text-anchor="middle">run finished</text>
<text class="axis-label" transform="translate(14 ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">open cases</text>
</svg>
<p class="caption">${escapeHtml(summary)}.</p>`;
}
