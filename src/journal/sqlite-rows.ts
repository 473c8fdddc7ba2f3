import type { CaseEvent, CaseRecord, MachineStateRecord, RunMachineRecord, RunRecord, StepRecord } from './store.js';

/** Column names as the journal tables have them, mapped to the camelCase records of store.ts (PostgreSQL rows arrive with the same values: postgres-rows.ts). */
type Row = Record<string, unknown>;

const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export function toRunRecord(r: Row): RunRecord {
  return {
    id: str(r.id),
    mode: r.mode as RunRecord['mode'],
    startedAt: str(r.started_at),
    finishedAt: strOrNull(r.finished_at),
    who: str(r.who),
    commandLine: str(r.command_line),
    planHash: str(r.plan_hash),
    selector: strOrNull(r.selector),
    outcome: strOrNull(r.outcome) as RunRecord['outcome'],
    total: Number(r.total),
    counts: JSON.parse(str(r.counts)) as RunRecord['counts'],
  };
}

export function toRunMachineRecord(r: Row): RunMachineRecord {
  return {
    runId: str(r.run_id),
    machine: str(r.machine),
    site: str(r.site),
    wave: Number(r.wave),
    status: r.status as RunMachineRecord['status'],
    errorClass: strOrNull(r.error_class) as RunMachineRecord['errorClass'],
    message: strOrNull(r.message),
    fingerprint: strOrNull(r.fingerprint),
    attempts: Number(r.attempts),
    startedAt: strOrNull(r.started_at),
    finishedAt: strOrNull(r.finished_at),
    durationMs: numOrNull(r.duration_ms),
    planHash: str(r.plan_hash),
    ...(r.reboot_required ? { rebootRequired: true as const } : {}),
  };
}

export function toStepRecord(r: Row): StepRecord {
  return {
    runId: str(r.run_id),
    machine: str(r.machine),
    seq: Number(r.seq),
    step: str(r.step),
    status: r.status as StepRecord['status'],
    errorClass: strOrNull(r.error_class) as StepRecord['errorClass'],
    exitCode: numOrNull(r.exit_code),
    durationMs: Number(r.duration_ms),
    message: strOrNull(r.message),
    stdoutTail: str(r.stdout_tail),
    stderrTail: str(r.stderr_tail),
    ...(r.reboot_required ? { rebootRequired: true as const } : {}),
  };
}

export function toCaseRecord(r: Row): CaseRecord {
  return {
    machine: str(r.machine),
    site: str(r.site),
    status: r.status as CaseRecord['status'],
    errorClass: strOrNull(r.error_class) as CaseRecord['errorClass'],
    fingerprint: strOrNull(r.fingerprint),
    message: strOrNull(r.message),
    firstFailed: str(r.first_failed),
    lastAttempt: str(r.last_attempt),
    lastRun: strOrNull(r.last_run),
    attempts: Number(r.attempts),
    owner: strOrNull(r.owner),
    dueAt: strOrNull(r.due_at),
    escalatedAt: strOrNull(r.escalated_at),
    closedAt: strOrNull(r.closed_at),
    closedByRun: strOrNull(r.closed_by_run),
  };
}

export function toCaseEvent(r: Row): CaseEvent {
  return {
    machine: str(r.machine), at: str(r.at), kind: r.kind as CaseEvent['kind'], owner: strOrNull(r.owner),
    text: strOrNull(r.text), runId: strOrNull(r.run_id), who: strOrNull(r.who),
  };
}

export function toMachineStateRecord(r: Row): MachineStateRecord {
  return {
    machine: str(r.machine),
    site: str(r.site),
    lastSuccessRun: str(r.last_success_run),
    lastSuccessPlanHash: str(r.last_success_plan_hash),
    lastSuccessAt: str(r.last_success_at),
  };
}

/** A case record as named parameters for the upsert statement. */
export function caseParams(c: CaseRecord): Row {
  return {
    machine: c.machine, site: c.site, status: c.status, error_class: c.errorClass, fingerprint: c.fingerprint,
    message: c.message, first_failed: c.firstFailed, last_attempt: c.lastAttempt, last_run: c.lastRun,
    attempts: c.attempts, owner: c.owner, due_at: c.dueAt, escalated_at: c.escalatedAt, closed_at: c.closedAt, closed_by_run: c.closedByRun,
  };
}
