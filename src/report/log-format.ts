import type { MachineAttempt, MachineLog } from '../journal/queries.js';
import type { CaseEvent } from '../journal/store.js';
import { toCsv } from './csv.js';
import { createStyle, formatJson } from './format.js';
import type { FormatOptions, ReportFormat } from './format.js';
import { localTime } from '../model/local-time.js';
import { printable } from '../model/printable.js';
import { isFailedStatus } from '../model/result.js';

function tailLines(label: string, text: string): string[] {
  const trimmed = text.replace(/\s+$/, '');
  return trimmed ? trimmed.split(/\r?\n/).map((l) => `      ${label}| ${printable(l, { keepLines: true })}`) : [];
}

/** A pending row of a halted run is a PC the halt kept from starting: it waits for rollout --resume, not for its turn. */
export function attemptStatus(a: { status: string; runOutcome: string | null }): string {
  return a.status === 'pending' && a.runOutcome === 'halted' ? 'not started (halted)' : a.status;
}

function attemptText(a: MachineAttempt, style: ReturnType<typeof createStyle>): string[] {
  const paint = isFailedStatus(a.status) ? style.red : a.status === 'pending' ? style.yellow : style.green;
  const duration = a.durationMs === null ? '' : ` ${a.durationMs}ms`;
  const status = attemptStatus(a);
  const lines = [
    style.bold(`run ${printable(a.runId)} (${a.mode}) by ${printable(a.who)} at ${localTime(a.startedAt ?? a.runStartedAt)}: ${paint(status)}${duration}`),
    `  ${printable(a.commandLine)}`,
  ];
  if (a.message) lines.push(`  ${a.errorClass ?? 'error'}: ${printable(a.message)}${a.fingerprint ? ` [${printable(a.fingerprint)}]` : ''}`);
  for (const s of a.steps) {
    const exit = s.exitCode === null ? '' : ` exit=${s.exitCode}`;
    const reboot = s.rebootRequired ? ' (reboot required)' : '';
    lines.push(`    ${printable(s.step)} ${s.status}${reboot}${exit} ${s.durationMs}ms${s.message ? ` ${printable(s.message)}` : ''}`);
    lines.push(...tailLines('stdout', s.stdoutTail), ...tailLines('stderr', s.stderrTail));
  }
  return lines;
}

function eventText(e: CaseEvent): string {
  const by = e.who ? ` by ${printable(e.who)}` : '';
  switch (e.kind) {
    case 'opened': return `  ${localTime(e.at)} opened by run ${printable(e.runId ?? '-')}, owner ${printable(e.owner ?? '-')}`;
    case 'closed': return `  ${localTime(e.at)} closed by run ${printable(e.runId ?? '-')}`;
    case 'assigned': return `  ${localTime(e.at)} assigned to ${printable(e.owner ?? '-')}${by}`;
    case 'note': return `  ${localTime(e.at)} note${by}: ${printable(e.text ?? '')}`;
    case 'escalated': return `  ${localTime(e.at)} escalated to ${printable(e.owner ?? '-')}${by}`;
  }
}

/** Since when the current owner has the case: their assignment, or the opening that gave it to them. */
function ownerSince(events: CaseEvent[]): string | null {
  return events.filter((e) => e.kind === 'opened' || e.kind === 'assigned').at(-1)?.at ?? null;
}

/** `homeshift log MACHINE`: every attempt with every step; csv is one row per step. */
export function formatMachineLog(log: MachineLog, format: ReportFormat, options: FormatOptions = {}): string {
  if (format === 'json') return formatJson(log);
  if (format === 'csv') {
    const rows = log.attempts.flatMap((a) =>
      a.steps.map((s) => [a.runId, a.mode, a.status, s.seq, s.step, s.status, s.errorClass, s.exitCode, s.durationMs, s.message, s.stdoutTail, s.stderrTail]),
    );
    return toCsv(['run', 'mode', 'machine_status', 'seq', 'step', 'status', 'class', 'exit_code', 'duration_ms', 'message', 'stdout_tail', 'stderr_tail'], rows);
  }
  const style = createStyle(options);
  if (log.attempts.length === 0) return `No runs recorded for ${log.machine}.\n`;
  const head = [`${style.bold(printable(log.machine))}${log.site ? ` (site ${printable(log.site)})` : ''}`];
  const c = log.case;
  if (c?.status === 'open') {
    const since = ownerSince(log.caseEvents);
    const owner = `owner ${printable(c.owner ?? '-')}${since ? ` since ${localTime(since)}` : ''}${c.dueAt ? `, due ${localTime(c.dueAt)}` : ''}`;
    head.push(`open case since ${localTime(c.firstFailed)}, ${c.attempts} attempt(s), ${owner}: ${printable(c.message ?? '')}`);
  } else if (c) head.push(`case closed at ${localTime(c.closedAt)} by run ${c.closedByRun}`);
  if (log.caseEvents.length > 0) head.push('case history:', ...log.caseEvents.map(eventText));
  return `${[head.join('\n'), ...log.attempts.map((a) => attemptText(a, style).join('\n'))].join('\n\n')}\n`;
}
