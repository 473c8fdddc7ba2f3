import type { ErrorGroup, ErrorList } from '../journal/queries.js';
import { toCsv } from './csv.js';
import { createStyle, formatJson } from './format.js';
import type { FormatOptions, ReportFormat } from './format.js';
import { caseCells, caseTable, formatWhatToDo } from './status-format.js';
import { printable } from '../model/printable.js';
import { localTime } from '../model/local-time.js';

const GROUP_COLUMNS = ['count', 'class', 'fingerprint', 'example', 'cause', 'what_to_do', 'sites', 'machines', 'owners', 'escalated', 'first_failed', 'overdue', 'due_at'];

function groupCells(g: ErrorGroup): (string | number)[] {
  const more = g.count > g.machines.length ? ` (+${g.count - g.machines.length})` : '';
  return [g.count, g.errorClass ?? '', g.fingerprint, g.example, g.cause, g.whatToDo, g.sites.join(' '), g.machines.join(' ') + more, g.owners.join('; '), g.escalated, g.firstFailed, g.overdue, g.dueAt ?? ''];
}

function formatErrorsText(list: ErrorList, options: FormatOptions): string {
  const style = createStyle(options);
  if (list.grouped ? list.groups.length === 0 : list.cases.length === 0) return 'No open cases.\n';
  if (!list.grouped) {
    const rows = list.cases.map(caseCells);
    return `${caseTable(list.cases, rows)}\n\n${formatWhatToDo(list.cases, style)}\n\n${list.cases.length} open case(s)\n`;
  }
  const blocks = list.groups.map((g) => {
    const [count, cls, fingerprint, example, cause, whatToDo, sites, machines, owners, escalated] = groupCells(g).map((v) => printable(v));
    const lines = [
      `${style.bold.red(count.padStart(5))}  ${style.bold(example)}`,
      `       ${cls}  ${style.dim(fingerprint)}  ${style.dim(cause)}`,
      `       what to do (${g.who}): ${whatToDo}`,
      `       sites: ${sites}`,
      `       machines: ${machines}`,
    ];
    if (owners) lines.push(`       owners: ${owners}`);
    if (g.dueAt !== null) {
      const due = `due: ${localTime(g.dueAt)}${g.overdue > 0 ? ` (${g.overdue} overdue)` : ''}`;
      lines.push(`       ${g.overdue > 0 ? style.red(due) : due}`);
    }
    if (g.escalated > 0) lines.push(`       ${style.magenta(`escalated: ${escalated}`)}`);
    return lines.join('\n');
  });
  const total = list.groups.reduce((n, g) => n + g.count, 0);
  return `${blocks.join('\n\n')}\n\n${total} open case(s) in ${list.groups.length} cause(s); re-run one with: homeshift rerun --failed --cause FINGERPRINT\n`;
}

/** `homeshift errors [--group]`. */
export function formatErrors(list: ErrorList, format: ReportFormat, options: FormatOptions = {}): string {
  if (format === 'json') return formatJson(list);
  if (format === 'csv') {
    if (list.grouped) return toCsv(GROUP_COLUMNS, list.groups.map(groupCells));
    return toCsv(
      ['machine', 'site', 'class', 'attempts', 'age', 'owner', 'escalated', 'fingerprint', 'cause', 'message', 'first_failed', 'last_attempt', 'last_run', 'due_at', 'overdue', 'note'],
      list.cases.map((c) => [
        c.machine, c.site, c.errorClass, c.attempts, c.age, c.owner, c.escalated, c.fingerprint, c.cause, c.message, c.firstFailed, c.lastAttempt, c.lastRun, c.dueAt, c.overdue, c.note ?? '',
      ]),
    );
  }
  return formatErrorsText(list, options);
}
