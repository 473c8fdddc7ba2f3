import { parse } from 'csv-parse/sync';
import { formatErrors, formatMachineLog, formatStatus } from '../../src/report/index.js';
import type { ErrorList, MachineLog, OpenCaseView, StatusReport } from '../../src/journal/index.js';

// text shows local time with its offset; JSON and CSV keep ISO UTC
process.env.TZ = 'Europe/Berlin';

const openCase: OpenCaseView = {
  machine: 'BRU-D0042', site: 'bruehl', errorClass: 'step-failed', message: 'apply exited 3: mailbox not found for anna@example.com, "retry"\nlater',
  fingerprint: 'step-failed:mailbox:3f2a9c1b', cause: 'apply exited <n>: mailbox not found for <mailbox>, <value> later',
  whatToDo: 'Mailbox unknown or wrong: correct the employee\'s mailbox in the directory, then re-run.', who: 'directory', attempts: 2,
  owner: 'Anna Berg', dueAt: null, overdue: false, firstFailed: '2026-11-20T08:00:00.000Z', lastAttempt: '2026-11-21T08:00:00.000Z', lastRun: 'r2',
  ageMs: 2 * 86_400_000, age: '2d', escalated: true, escalatedAt: '2026-11-22T08:00:00.000Z',
};

const status: StatusReport = {
  now: '2026-11-22T08:00:00.000Z',
  sites: [
    { site: 'bruehl', machines: 10, done: 6, open: 1, unfinished: 1, neverTried: 1, stale: 1, escalated: 1, cases: [openCase] },
    { site: 'koeln', machines: 5, done: 5, open: 0, unfinished: 0, neverTried: 0, stale: 0, escalated: 0, cases: [] },
  ],
  totals: { machines: 15, done: 11, open: 1, unfinished: 1, neverTried: 1, stale: 1, escalated: 1 },
  runs: [
    { id: '20261122-075500-b0b0', mode: 'apply', who: 'anna@ctl-bruehl', startedAt: '2026-11-22T07:55:00.000Z', done: 120, total: 300, lastResultAt: '2026-11-22T07:59:00.000Z', state: 'running', liveLeases: 30, resume: null },
    { id: '20261121-170000-e0e0', mode: 'apply', who: 'cem@ctl-ham', startedAt: '2026-11-21T17:00:00.000Z', done: 8, total: 10, lastResultAt: null, state: 'ended', liveLeases: 0, resume: null },
    { id: '20261121-171502-a3f9', mode: 'apply', who: 'ben@ctl-koeln', startedAt: '2026-11-21T17:15:02.000Z', done: 3, total: 12, lastResultAt: null, state: 'interrupted', liveLeases: 0, resume: 'homeshift rollout --resume' },
  ],
};

describe('status formatters', () => {
  it('prints aligned site rows, a total and the open cases on one line each', () => {
    const text = formatStatus(status, 'text');
    expect(text).toContain('site    machines  done  open  escalated  unfinished  never tried  stale');
    expect(text).toContain('bruehl        10     6     1          1           1            1      1');
    expect(text).toContain('total         15    11     1          1           1            1      1');
    expect(text).toMatch(/BRU-D0042 +bruehl +step-failed +2 +2d +- +Anna Berg +yes +step-failed:mailbox:3f2a9c1b +apply exited 3: mailbox not found for anna@example.com/);
    expect(text).toContain("What to do\n  Mailbox unknown or wrong: correct the employee's mailbox in the directory, then re-run. (directory: BRU-D0042)");
    expect(text).not.toMatch(/\u001b\[/);
    expect(formatStatus(status, 'text', { color: true })).toMatch(/\u001b\[/);
  });
  it('lists runs not finished: who, from where, since when, how far, and the command that finishes one', () => {
    const text = formatStatus(status, 'text');
    expect(text).toContain('Runs not finished');
    expect(text).toMatch(/20261122-075500-b0b0 +apply +anna +ctl-bruehl +2026-11-22 08:55:00 \+01:00 +120\/300 +running \(30 PCs leased\) +-/);
    expect(text).toMatch(/20261121-170000-e0e0 +apply +cem +ctl-ham .* 8\/10 +ended, PCs left pending \(busy elsewhere\) +none: --resume takes the newest unfinished run/);
    expect(text).toMatch(/20261121-171502-a3f9 +apply +ben +ctl-koeln +2026-11-21 18:15:02 \+01:00 +3\/12 +interrupted +homeshift rollout --resume/);
  });
  it('gives json and csv', () => {
    expect(JSON.parse(formatStatus(status, 'json'))).toEqual(status);
    expect(formatStatus(status, 'csv')).toBe('site,machines,done,open,escalated,unfinished,never_tried,stale\r\nbruehl,10,6,1,1,1,1,1\r\nkoeln,5,5,0,0,0,0,0\r\n');
  });
  it('says so when the journal knows no machines', () => {
    expect(formatStatus({ now: status.now, sites: [], totals: status.totals, runs: [] }, 'text')).toBe('No machines in the journal yet.\n');
  });
});

describe('errors formatters', () => {
  const cases: ErrorList = { grouped: false, now: status.now, cases: [openCase] };
  const groups: ErrorList = {
    grouped: true, now: status.now,
    groups: [{ fingerprint: openCase.fingerprint!, errorClass: 'step-failed', example: openCase.message!, cause: openCase.cause, whatToDo: openCase.whatToDo, who: openCase.who, count: 300, machines: ['BRU-D0001', 'BRU-D0002'],
      sites: ['bruehl', 'koeln'], owners: ['Anna Berg', 'Ben Kurz'], escalated: 4, overdue: 0, dueAt: null, firstFailed: openCase.firstFailed }],
  };
  it('csv round-trips messages with commas, quotes and newlines', () => {
    const rows = parse(formatErrors(cases, 'csv'), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ machine: 'BRU-D0042', message: openCase.message, escalated: 'true', owner: 'Anna Berg' });
    const grouped = parse(formatErrors(groups, 'csv'), { columns: true }) as Record<string, string>[];
    expect(grouped[0]).toMatchObject({ count: '300', example: openCase.message, cause: openCase.cause, what_to_do: openCase.whatToDo, sites: 'bruehl koeln', machines: 'BRU-D0001 BRU-D0002 (+298)', owners: 'Anna Berg; Ben Kurz' });
  });
  it('text shows one block per cause and one line per case', () => {
    const grouped = formatErrors(groups, 'text');
    // the concrete example first; its class, fingerprint and pattern second; then what to do
    expect(grouped).toContain('  300  apply exited 3: mailbox not found for anna@example.com, "retry"\\nlater\n       step-failed  step-failed:mailbox:3f2a9c1b  apply exited <n>: mailbox not found for <mailbox>, <value> later\n');
    expect(grouped).toContain("       what to do (directory): Mailbox unknown or wrong: correct the employee's mailbox in the directory, then re-run.\n");
    expect(grouped).toContain('machines: BRU-D0001 BRU-D0002 (+298)');
    expect(grouped).toContain('300 open case(s) in 1 cause(s)');
    const flat = formatErrors(cases, 'text').split('\n');
    expect(flat[1]).toMatch(/^BRU-D0042 /);
    expect(flat).toHaveLength(8); // header, one case, blank, what to do (2), blank, summary, trailing
    expect(formatErrors({ grouped: true, now: status.now, groups: [] }, 'text')).toBe('No open cases.\n');
    expect(JSON.parse(formatErrors(groups, 'json'))).toEqual(groups);
  });
});

describe('machine log formatter', () => {
  const log: MachineLog = {
    machine: 'BRU-D0042', site: 'bruehl',
    case: { machine: 'BRU-D0042', site: 'bruehl', status: 'open', errorClass: 'step-failed', fingerprint: 'f', message: 'apply exited 3', firstFailed: '2026-11-20T08:00:00.000Z',
      lastAttempt: '2026-11-20T08:00:00.000Z', lastRun: 'r1', attempts: 1, owner: 'Anna Berg', dueAt: null, escalatedAt: null, closedAt: null, closedByRun: null },
    caseEvents: [],
    attempts: [{
      runId: 'r1', machine: 'BRU-D0042', site: 'bruehl', wave: 0, status: 'failed', errorClass: 'step-failed', message: 'apply exited 3', fingerprint: 'f',
      attempts: 1, startedAt: '2026-11-20T08:00:00.000Z', finishedAt: '2026-11-20T08:00:05.000Z', durationMs: 5000, planHash: 'h',
      mode: 'apply', runStartedAt: '2026-11-20T07:59:00.000Z', who: 'anna@pc1', commandLine: 'homeshift rollout --limit site=bruehl', runOutcome: 'failed',
      steps: [{ runId: 'r1', machine: 'BRU-D0042', seq: 0, step: 'mailbox', status: 'failed', errorClass: 'step-failed', exitCode: 3, durationMs: 120,
        message: 'apply exited 3', stdoutTail: '', stderrTail: 'no mailbox,\n"anna"' }],
    }],
  };
  it('prints every attempt with its steps and tails', () => {
    const text = formatMachineLog(log, 'text');
    expect(text).toContain('run r1 (apply) by anna@pc1 at 2026-11-20 09:00:00 +01:00: failed 5000ms');
    expect(text).toContain('    mailbox failed exit=3 120ms apply exited 3');
    expect(text).toContain('      stderr| "anna"');
    expect(text).toContain('open case since 2026-11-20 09:00:00 +01:00, 1 attempt(s), owner Anna Berg');
    const rows = parse(formatMachineLog(log, 'csv'), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ run: 'r1', step: 'mailbox', exit_code: '3', stderr_tail: 'no mailbox,\n"anna"' });
    expect(formatMachineLog({ ...log, attempts: [] }, 'text')).toBe('No runs recorded for BRU-D0042.\n');
  });

  it('shows the owner since their assignment, the due time and the case history, escaping what people wrote', () => {
    const text = formatMachineLog({
      ...log,
      case: { ...log.case!, owner: 'Ben Kurz <ben@example.com>', dueAt: '2026-11-20T12:00:00.000Z' },
      caseEvents: [
        { machine: 'BRU-D0042', at: '2026-11-20T08:00:00.000Z', kind: 'opened', owner: 'Anna Berg', text: null, runId: 'r1', who: null },
        { machine: 'BRU-D0042', at: '2026-11-20T09:00:00.000Z', kind: 'assigned', owner: 'Ben Kurz <ben@example.com>', text: null, runId: null, who: 'anna@pc1' },
        { machine: 'BRU-D0042', at: '2026-11-20T09:05:00.000Z', kind: 'note', owner: null, text: 'called on site\n\u001b[31mno answer', runId: null, who: 'ben@pc2' },
      ],
    }, 'text');
    expect(text).toContain('owner Ben Kurz <ben@example.com> since 2026-11-20 10:00:00 +01:00, due 2026-11-20 13:00:00 +01:00: apply exited 3');
    expect(text).toContain([
      'case history:',
      '  2026-11-20 09:00:00 +01:00 opened by run r1, owner Anna Berg',
      '  2026-11-20 10:00:00 +01:00 assigned to Ben Kurz <ben@example.com> by anna@pc1',
    ].join('\n'));
    const note = text.split('\n').find((l) => l.includes('note by ben@pc2'))!;
    expect(note).not.toMatch(/[\u0000-\u001f]/);
    expect(note).toContain('called on site');
  });
});
