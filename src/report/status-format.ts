import { overdueFirst, type OpenCaseView, type RunInProgress, type StatusReport } from '../journal/queries.js';
import { toCsv } from './csv.js';
import { createStyle, formatJson } from './format.js';
import type { FormatOptions, ReportFormat } from './format.js';
import { formatTable } from './text-table.js';
import { localTime } from '../model/local-time.js';
import { printable } from '../model/printable.js';

const CASE_COLUMNS = ['machine', 'site', 'class', 'attempts', 'age', 'due', 'owner', 'escalated', 'fingerprint', 'message', 'note'];

/** A case's due time as a table cell: local time, marked when it has passed; "-" without one. */
function dueCell(c: { dueAt: string | null; overdue: boolean }): string {
  if (c.dueAt === null) return '-';
  return c.overdue ? `${localTime(c.dueAt)} overdue` : localTime(c.dueAt);
}

// Cells of a terminal table: data shown with its controls escaped; the concrete message, the fingerprint its key.
function caseCells(c: OpenCaseView): string[] {
  return [c.machine, c.site, c.errorClass ?? '', String(c.attempts), c.age, dueCell(c), c.owner ?? '-', c.escalated ? 'yes' : 'no', c.fingerprint ?? '', c.message ?? c.cause, c.note ?? ''].map((v) => printable(v));
}

/** Under a list of cases: each distinct "what to do" once, with the machines it is for. */
function formatWhatToDo(cases: OpenCaseView[], style: ReturnType<typeof createStyle>): string {
  const byAdvice = new Map<string, { who: string; machines: string[] }>();
  for (const c of cases) {
    const entry = byAdvice.get(c.whatToDo) ?? { who: c.who, machines: [] };
    entry.machines.push(c.machine);
    byAdvice.set(c.whatToDo, entry);
  }
  const lines = [...byAdvice].map(([text, { who, machines }]) => {
    const shown = machines.slice(0, 5).join(' ') + (machines.length > 5 ? ` (+${machines.length - 5})` : '');
    return `  ${text} (${who}: ${printable(shown)})`;
  });
  return `${style.bold('What to do')}\n${lines.join('\n')}`;
}

const RUN_COLUMNS = ['run', 'mode', 'user', 'from', 'since', 'done', 'state', 'next'];

function runCells(r: RunInProgress): string[] {
  const at = r.who.lastIndexOf('@');
  const [user, host] = at > 0 ? [r.who.slice(0, at), r.who.slice(at + 1)] : [r.who, '-'];
  const leases = r.liveLeases && r.state === 'running' ? ` (${r.liveLeases} PC${r.liveLeases === 1 ? '' : 's'} leased)` : '';
  const next = r.resume ?? (r.state === 'running' || r.mode === 'check' || r.done >= r.total ? '-' : 'none: --resume takes the newest unfinished run');
  const state = r.state === 'ended' ? 'ended, PCs left pending (busy elsewhere)' : r.state === 'halted' ? 'halted by the failure threshold' : r.state === 'stopped' ? 'stopped: its controller is gone (crash or kill)' : r.state;
  return [r.id, r.mode, user, host, localTime(r.startedAt), `${r.done}/${r.total}`, `${state}${leases}`, next];
}

/** Runs in progress and runs left unfinished, with the command that finishes one. */
function formatRunsText(runs: RunInProgress[], style: ReturnType<typeof createStyle>): string {
  const rows = runs.map(runCells);
  return `${style.bold('Runs not finished')}\n${formatTable(RUN_COLUMNS, rows, [5])}`;
}

function formatStatusText(report: StatusReport, options: FormatOptions): string {
  const style = createStyle(options);
  const runs = report.runs?.length ? `\n\n${formatRunsText(report.runs, style)}` : '';
  if (report.sites.length === 0) return runs ? `No machines in the journal yet.${runs}\n` : 'No machines in the journal yet.\n';
  const count = (n: number, paint: (s: string) => string): string => (n > 0 ? paint(String(n)) : String(n));
  const row = (name: string, s: StatusReport['totals']): string[] => [
    printable(name), String(s.machines), count(s.done, style.green), count(s.open, style.red), count(s.escalated, style.magenta),
    count(s.unfinished, style.yellow), count(s.neverTried, style.yellow), count(s.stale, style.yellow),
  ];
  const header = ['site', 'machines', 'done', 'open', 'escalated', 'unfinished', 'never tried', 'stale'];
  const rows = report.sites.map((s) => row(s.site, s));
  if (report.sites.length > 1) rows.push(row(style.bold('total'), report.totals));
  const parts = [formatTable(header, rows, [1, 2, 3, 4, 5, 6, 7])];
  const cases = report.sites.flatMap((s) => s.cases).sort(overdueFirst); // stable: by site and machine otherwise
  if (cases.length > 0) {
    const caseRows = cases.map((c) => {
      const cells = caseCells(c);
      if (c.overdue) cells[5] = style.red(cells[5]);
      if (c.escalated) cells[7] = style.magenta.bold('yes');
      return cells;
    });
    parts.push(`${style.bold('Open cases')}\n${caseTable(cases, caseRows)}`, formatWhatToDo(cases, style));
  }
  const waiting = report.sites.filter((s) => s.rebootPending?.length);
  if (waiting.length > 0) {
    const total = waiting.reduce((n, s) => n + (s.rebootPending?.length ?? 0), 0);
    const lines = waiting.map((s) => `  ${printable(s.site)}: ${s.rebootPending!.length} (${s.rebootPending!.map((m) => printable(m)).join(', ')})`);
    parts.push(`${style.bold(`Reboot pending: ${total} PC${total === 1 ? '' : 's'}`)} (installed, effective after a restart)\n${lines.join('\n')}`);
  }
  if (report.retired) {
    const { machines, holding } = report.retired;
    const left = holding.length
      ? `; ${holding.length} still ${holding.length === 1 ? 'holds' : 'hold'} home-office parts (${holding.map((m) => printable(m)).join(', ')}): homeshift rollout takes them away`
      : ', all cleared';
    parts.push(`${style.bold(`Retired: ${machines} PC${machines === 1 ? '' : 's'}`)}${left}`);
  }
  if (report.runs?.length) parts.push(formatRunsText(report.runs, style));
  return `${parts.join('\n\n')}\n`;
}

/** `homeshift status`: per-site counts and the open cases; csv lists the sites (the cases are in `errors --format csv`). */
export function formatStatus(report: StatusReport, format: ReportFormat, options: FormatOptions = {}): string {
  if (format === 'json') return formatJson(report);
  if (format === 'csv') {
    return toCsv(
      ['site', 'machines', 'done', 'open', 'escalated', 'unfinished', 'never_tried', 'stale'],
      report.sites.map((s) => [s.site, s.machines, s.done, s.open, s.escalated, s.unfinished, s.neverTried, s.stale]),
    );
  }
  return formatStatusText(report, options);
}

/** The open cases as a table; the note column only when a case has a note. */
function caseTable(cases: readonly OpenCaseView[], rows: string[][]): string {
  if (cases.some((c) => c.note)) return formatTable(CASE_COLUMNS, rows, [3]);
  return formatTable(CASE_COLUMNS.slice(0, -1), rows.map((r) => r.slice(0, -1)), [3]);
}

export { caseCells, caseTable, CASE_COLUMNS, formatWhatToDo };
