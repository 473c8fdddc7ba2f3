import type { OpenCaseView, StatusReport } from '../journal/queries.js';
import { toCsv } from './csv.js';
import { createStyle, formatJson } from './format.js';
import type { FormatOptions, ReportFormat } from './format.js';
import { formatTable } from './text-table.js';
import { printable } from '../model/printable.js';

const CASE_COLUMNS = ['machine', 'site', 'class', 'attempts', 'age', 'owner', 'escalated', 'fingerprint', 'cause'];

// Cells of a terminal table: data shown with its controls escaped.
function caseCells(c: OpenCaseView): string[] {
  return [c.machine, c.site, c.errorClass ?? '', String(c.attempts), c.age, c.owner ?? '-', c.escalated ? 'yes' : 'no', c.fingerprint ?? '', c.cause].map((v) => printable(v));
}

function formatStatusText(report: StatusReport, options: FormatOptions): string {
  const style = createStyle(options);
  if (report.sites.length === 0) return 'No machines in the journal yet.\n';
  const count = (n: number, paint: (s: string) => string): string => (n > 0 ? paint(String(n)) : String(n));
  const row = (name: string, s: StatusReport['totals']): string[] => [
    printable(name), String(s.machines), count(s.done, style.green), count(s.open, style.red), count(s.escalated, style.magenta),
    count(s.neverTried, style.yellow), count(s.stale, style.yellow),
  ];
  const header = ['site', 'machines', 'done', 'open', 'escalated', 'never tried', 'stale'];
  const rows = report.sites.map((s) => row(s.site, s));
  if (report.sites.length > 1) rows.push(row(style.bold('total'), report.totals));
  const parts = [formatTable(header, rows, [1, 2, 3, 4, 5, 6])];
  const cases = report.sites.flatMap((s) => s.cases);
  if (cases.length > 0) {
    const caseRows = cases.map((c) => {
      const cells = caseCells(c);
      if (c.escalated) cells[6] = style.magenta.bold('yes');
      return cells;
    });
    parts.push(`${style.bold('Open cases')}\n${formatTable(CASE_COLUMNS, caseRows, [3])}`);
  }
  return `${parts.join('\n\n')}\n`;
}

/** `homeshift status`: per-site counts and the open cases; csv lists the sites (the cases are in `errors --format csv`). */
export function formatStatus(report: StatusReport, format: ReportFormat, options: FormatOptions = {}): string {
  if (format === 'json') return formatJson(report);
  if (format === 'csv') {
    return toCsv(
      ['site', 'machines', 'done', 'open', 'escalated', 'never_tried', 'stale'],
      report.sites.map((s) => [s.site, s.machines, s.done, s.open, s.escalated, s.neverTried, s.stale]),
    );
  }
  return formatStatusText(report, options);
}

export { caseCells, CASE_COLUMNS };
