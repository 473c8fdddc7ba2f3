import { caseParams, toStepRecord } from './sqlite-rows.js';
import type { Query } from './postgres-reports.js';
import type { CaseRecord, MachineStateRecord, RunMachineRecord, RunRecord, StepRecord } from './store.js';

/** journal copy into a PostgreSQL journal: whole runs, then the current case and state per machine (newer one kept). */

export async function listRunSteps(q: Query, runId: string): Promise<StepRecord[]> {
  const { rows } = await q('SELECT * FROM step_results WHERE run_id = $1 ORDER BY machine COLLATE "C", seq', [runId]);
  return rows.map(toStepRecord);
}

const setRows = (table: string, conflict = ''): string => `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb) ${conflict}`;

export async function importRun(q: Query, run: RunRecord, machines: RunMachineRecord[], steps: StepRecord[]): Promise<boolean> {
  const inserted = await q(
    `INSERT INTO runs (id, started_at, finished_at, who, command_line, mode, plan_hash, selector, outcome, total, counts)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (id) DO NOTHING`,
    [run.id, run.startedAt, run.finishedAt, run.who, run.commandLine, run.mode, run.planHash, run.selector, run.outcome, run.total, JSON.stringify(run.counts)],
  );
  if (inserted.rowCount === 0) return false;
  const machineRows = machines.map((m) => ({
    run_id: run.id, machine: m.machine, site: m.site, wave: m.wave, status: m.status, error_class: m.errorClass, message: m.message,
    fingerprint: m.fingerprint, attempts: m.attempts, started_at: m.startedAt, finished_at: m.finishedAt, duration_ms: m.durationMs, plan_hash: m.planHash,
    reboot_required: m.rebootRequired === true,
  }));
  if (machineRows.length > 0) await q(setRows('run_machines'), [JSON.stringify(machineRows)]);
  const stepRows = steps.map((s) => ({
    run_id: run.id, machine: s.machine, seq: s.seq, step: s.step, status: s.status, error_class: s.errorClass, exit_code: s.exitCode,
    duration_ms: s.durationMs, message: s.message, stdout_tail: s.stdoutTail, stderr_tail: s.stderrTail,
    reboot_required: s.rebootRequired === true,
  }));
  for (let i = 0; i < stepRows.length; i += 5000) await q(setRows('step_results'), [JSON.stringify(stepRows.slice(i, i + 5000))]);
  return true;
}

export async function importCurrent(q: Query, cases: CaseRecord[], states: MachineStateRecord[]): Promise<{ cases: number; machineStates: number }> {
  const written = cases.length === 0 ? 0 : (await q(setRows('cases', `ON CONFLICT (machine) DO UPDATE SET site = excluded.site, status = excluded.status,
    error_class = excluded.error_class, fingerprint = excluded.fingerprint, message = excluded.message, first_failed = excluded.first_failed,
    last_attempt = excluded.last_attempt, last_run = excluded.last_run, attempts = excluded.attempts, owner = excluded.owner, due_at = excluded.due_at,
    escalated_at = excluded.escalated_at, closed_at = excluded.closed_at, closed_by_run = excluded.closed_by_run
    WHERE excluded.last_attempt > cases.last_attempt`), [JSON.stringify(cases.map(caseParams))])).rowCount ?? 0;
  const stateRows = states.map((s) => ({
    machine: s.machine, site: s.site, last_success_run: s.lastSuccessRun, last_success_plan_hash: s.lastSuccessPlanHash, last_success_at: s.lastSuccessAt,
  }));
  const stateCount = stateRows.length === 0 ? 0 : (await q(setRows('machine_state', `ON CONFLICT (machine) DO UPDATE SET site = excluded.site,
    last_success_run = excluded.last_success_run, last_success_plan_hash = excluded.last_success_plan_hash, last_success_at = excluded.last_success_at
    WHERE excluded.last_success_at > machine_state.last_success_at`), [JSON.stringify(stateRows)])).rowCount ?? 0;
  return { cases: written, machineStates: stateCount };
}
