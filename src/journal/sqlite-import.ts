import type Database from 'better-sqlite3';
import { caseParams, toStepRecord } from './sqlite-rows.js';
import type { CaseRecord, MachineStateRecord, RunMachineRecord, RunRecord, StepRecord } from './store.js';

/** journal copy into a SQLite journal: whole runs, then the current case and state per machine (newer one kept). */

export function listRunSteps(db: Database.Database, runId: string): StepRecord[] {
  return (db.prepare('SELECT * FROM step_results WHERE run_id = ? ORDER BY machine, seq').all(runId) as Record<string, unknown>[]).map(toStepRecord);
}

export function importRun(db: Database.Database, run: RunRecord, machines: RunMachineRecord[], steps: StepRecord[]): boolean {
  if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(run.id)) return false;
  db.prepare(
    `INSERT INTO runs (id, started_at, finished_at, who, command_line, mode, plan_hash, selector, outcome, total, counts)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(run.id, run.startedAt, run.finishedAt, run.who, run.commandLine, run.mode, run.planHash, run.selector, run.outcome, run.total, JSON.stringify(run.counts));
  const machine = db.prepare(
    `INSERT INTO run_machines (run_id, machine, site, wave, status, error_class, message, fingerprint, attempts, started_at, finished_at, duration_ms, plan_hash, reboot_required)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const m of machines) {
    machine.run(run.id, m.machine, m.site, m.wave, m.status, m.errorClass, m.message, m.fingerprint, m.attempts, m.startedAt, m.finishedAt, m.durationMs, m.planHash, m.rebootRequired ? 1 : 0);
  }
  const step = db.prepare(
    `INSERT INTO step_results (run_id, machine, seq, step, status, error_class, exit_code, duration_ms, message, stdout_tail, stderr_tail, reboot_required)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const s of steps) step.run(run.id, s.machine, s.seq, s.step, s.status, s.errorClass, s.exitCode, s.durationMs, s.message, s.stdoutTail, s.stderrTail, s.rebootRequired ? 1 : 0);
  return true;
}

export function importCurrent(db: Database.Database, cases: CaseRecord[], states: MachineStateRecord[]): { cases: number; machineStates: number } {
  const upsertCase = db.prepare(
    `INSERT INTO cases (machine, site, status, error_class, fingerprint, message, first_failed, last_attempt, last_run, attempts, owner, due_at, escalated_at, closed_at, closed_by_run)
     VALUES (@machine, @site, @status, @error_class, @fingerprint, @message, @first_failed, @last_attempt, @last_run, @attempts, @owner, @due_at, @escalated_at, @closed_at, @closed_by_run)
     ON CONFLICT (machine) DO UPDATE SET site = excluded.site, status = excluded.status, error_class = excluded.error_class,
       fingerprint = excluded.fingerprint, message = excluded.message, first_failed = excluded.first_failed, last_attempt = excluded.last_attempt,
       last_run = excluded.last_run, attempts = excluded.attempts, owner = excluded.owner, due_at = excluded.due_at, escalated_at = excluded.escalated_at,
       closed_at = excluded.closed_at, closed_by_run = excluded.closed_by_run
     WHERE excluded.last_attempt > cases.last_attempt`,
  );
  const upsertState = db.prepare(
    `INSERT INTO machine_state (machine, site, last_success_run, last_success_plan_hash, last_success_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (machine) DO UPDATE SET site = excluded.site, last_success_run = excluded.last_success_run,
       last_success_plan_hash = excluded.last_success_plan_hash, last_success_at = excluded.last_success_at
     WHERE excluded.last_success_at > machine_state.last_success_at`,
  );
  let written = 0;
  for (const c of cases) written += upsertCase.run(caseParams(c)).changes;
  let stateCount = 0;
  for (const s of states) stateCount += upsertState.run(s.machine, s.site, s.lastSuccessRun, s.lastSuccessPlanHash, s.lastSuccessAt).changes;
  return { cases: written, machineStates: stateCount };
}
