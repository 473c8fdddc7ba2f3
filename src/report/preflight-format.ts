import type { PreflightReport } from '../model/preflight.js';
import { printable } from '../model/printable.js';
import { createStyle, formatJson, type FormatOptions } from './format.js';
import { formatTable } from './text-table.js';

/** `homeshift preflight`: repository findings, a row per site, then every PC that is not ready with what to do. */
export function formatPreflight(report: PreflightReport, format: 'text' | 'json', options: FormatOptions = {}): string {
  if (format === 'json') return formatJson(report);
  const style = createStyle(options);
  const parts: string[] = [];
  const { findings } = report.repository;
  if (findings.length > 0) {
    const lines = findings.flatMap((f) => [`  ${style.red(printable(f.message))}`, `    what to do: ${f.whatToDo}`]);
    parts.push(`${style.bold.red('Repository not ready')}\n${lines.join('\n')}`);
  }
  const row = (name: string, s: { machines: number; ready: number; notReady: number }) => [
    name, String(s.machines), s.ready > 0 ? style.green(String(s.ready)) : '0', s.notReady > 0 ? style.red(String(s.notReady)) : '0',
  ];
  const rows = report.sites.map((s) => row(printable(s.site), s));
  const total = report.sites.reduce((t, s) => ({ machines: t.machines + s.machines, ready: t.ready + s.ready, notReady: t.notReady + s.notReady }), { machines: 0, ready: 0, notReady: 0 });
  if (report.sites.length > 1) rows.push(row(style.bold('total'), total));
  if (rows.length > 0) parts.push(formatTable(['site', 'machines', 'ready', 'not ready'], rows, [1, 2, 3]));
  const unready = report.machines.filter((m) => !m.ready);
  if (unready.length > 0) {
    const lines = unready.flatMap((m) => [
      `  ${style.bold(printable(m.machine))}  ${printable(m.site)}  ${m.errorClass ?? ''}  ${printable(m.message)}`,
      `    what to do (${m.who}): ${m.whatToDo ?? ''}`,
    ]);
    parts.push(`${style.bold('Not ready')}\n${lines.join('\n')}`);
  }
  const verdict = report.ready
    ? style.green(`ready: all ${total.machines} PC(s) answered`)
    : !report.repository.ready
      ? style.red(`not ready: the repository has ${findings.length} problem(s)${total.notReady > 0 ? `, ${total.notReady} of ${total.machines} PC(s) not ready` : ''}`)
      : style.red(`not ready: ${total.notReady} of ${total.machines} PC(s)`);
  parts.push(verdict);
  return `${parts.join('\n\n')}\n`;
}
