/** Flat, serialisable results: the same shape whether a step worked or not; they go straight into the journal and JSON output. */

/** `deferred`: a disturbing step with work to do, left for later (outside the site's window of time, or a user logged on). */
export type StepStatus = 'ok' | 'changed' | 'would-change' | 'failed' | 'skipped' | 'unreachable' | 'deferred';
/** `busy`: another live run holds the machine's lease; it was not contacted (not a failure, no case). */
export type MachineStatus = 'ok' | 'changed' | 'would-change' | 'failed' | 'unreachable' | 'interrupted' | 'busy';
/** `offline` is no result's class: it is the class of the case keep opens for a PC not seen for too long (its attempts stay 0). */
export type ErrorClass = 'validation' | 'unreachable' | 'auth' | 'timeout' | 'step-failed' | 'interrupted' | 'internal' | 'offline';
export const ERROR_CLASSES: readonly ErrorClass[] = ['validation', 'unreachable', 'auth', 'timeout', 'step-failed', 'interrupted', 'internal', 'offline'];

export interface StepResult {
  step: string; // PlannedStep.id
  status: StepStatus;
  errorClass: ErrorClass | null;
  exitCode: number | null;
  durationMs: number;
  stdoutTail: string; // secrets redacted
  stderrTail: string; // secrets redacted
  message: string | null; // one line for people: "apply exited 3: mailbox not found"
  rebootRequired?: true; // changed, and it takes effect after a restart (msiexec 3010/1641); not a status of its own
  installed?: { via: string; id: string }[]; // packages this step's apply installed, as the PC said (not those it found)
}

export interface MachineResult {
  machine: string;
  site: string;
  status: MachineStatus;
  errorClass: ErrorClass | null;
  message: string | null;
  fingerprint: string | null; // normalised message, groups identical causes
  attempts: number; // connection attempts made
  startedAt: string; // ISO time
  finishedAt: string;
  durationMs: number;
  planHash: string;
  steps: StepResult[];
  rebootRequired?: true; // a step of this run needs the PC restarted: the PC waits for a reboot
}

export type RunMode = 'apply' | 'check';

/**
 * What counts as failed: against the threshold, in the progress, the summary, the journal's cases, JUnit and the
 * report. `busy` (not contacted) and `interrupted` (the run ended first; resumable) are not failures.
 */
export const FAILED_STATUSES = ['failed', 'unreachable'] as const satisfies readonly MachineStatus[];

export function isFailedStatus(status: string): boolean {
  return (FAILED_STATUSES as readonly string[]).includes(status);
}

/** The failures in a tally of machine statuses: the number every "failed N" shows. */
export function failedCount(counts: Partial<Record<MachineStatus, number>>): number {
  return FAILED_STATUSES.reduce((n, s) => n + (counts[s] ?? 0), 0);
}

/** A tally in words, non-zero counts only: "3 ok, 2 changed, 5 failed (2 unreachable), 1 interrupted". */
export function describeCounts(counts: Partial<Record<MachineStatus, number>>): string[] {
  const n = (s: MachineStatus) => counts[s] ?? 0;
  const failed = failedCount(counts);
  const parts = [
    n('ok') ? `${n('ok')} ok` : '',
    n('changed') ? `${n('changed')} changed` : '',
    n('would-change') ? `${n('would-change')} would change` : '',
    failed ? `${failed} failed${n('unreachable') ? ` (${n('unreachable')} unreachable)` : ''}` : '',
    n('interrupted') ? `${n('interrupted')} interrupted` : '',
    n('busy') ? `${n('busy')} busy` : '',
  ];
  return parts.filter(Boolean);
}

/** Who else works on a machine (the journal's lease holder, as the run reports it). */
export interface MachineHolder { runId: string; who: string; pid: number }

/** Machines of this run that were not contacted because another holder had them (null: finished by another controller of this run). */
export interface BusyGroup { holder: MachineHolder | null; machines: string[] }

/** Events the scheduler emits; progress views, the journal and log files are listeners. */
export type RunEvent =
  | { kind: 'run-started'; runId: string; mode: RunMode; total: number; waves: number[]; at: string }
  | { kind: 'wave-started'; wave: number; size: number; at: string }
  | { kind: 'machine-started'; machine: string; site: string; wave: number; at: string }
  | { kind: 'step-finished'; machine: string; result: StepResult; at: string }
  | { kind: 'machine-finished'; result: MachineResult; wave: number; at: string; leaseLost?: true } // leaseLost: not recorded, another holder has the machine
  | { kind: 'machines-waiting'; wave: number; machines: number; busy: BusyGroup[]; at: string } // --wait-busy: leased elsewhere, polled
  | { kind: 'wave-finished'; wave: number; done: number; failed: number; at: string }
  | { kind: 'run-halted'; reason: string; halt: Halt; failed: number; threshold: number; at: string } // reason: describeHalt(halt)
  | { kind: 'run-interrupted'; signal: string; at: string }
  | { kind: 'run-finished'; outcome: RunOutcome; counts: Record<MachineStatus, number>; busy?: BusyGroup[]; rebootRequired?: string[]; at: string };

export type RunOutcome = 'ok' | 'failed' | 'halted' | 'interrupted';

/** Why a run halted: which threshold, in which wave, how many of how many PCs (reached ones for failures, tried ones for unreachable). */
export interface Halt {
  wave: number;
  by: 'failures' | 'unreachable';
  count: number;
  of: number;
  threshold: string; // as the option was given: 5% or 3 PCs
}

export function describeHalt(h: Halt): string {
  return h.by === 'failures'
    ? `halted after wave ${h.wave}: ${h.count} of ${h.of} reached PCs failed (threshold ${h.threshold})`
    : `halted after wave ${h.wave}: ${h.count} of ${h.of} PCs tried were unreachable (threshold ${h.threshold})`;
}
export type RunListener = (event: RunEvent) => void;
