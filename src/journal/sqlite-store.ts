import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations.js';
import { nextCase, isSuccess, runCaseEvents } from './cases.js';
import { describeInvoker } from './invoker.js';
import * as leases from './sqlite-leases.js';
import { caseParams, toCaseEvent, toCaseRecord, toMachineStateRecord, toRunMachineRecord, toRunRecord, toStepRecord } from './sqlite-rows.js';
import { JournalError } from './store.js';
import { sqliteRebootPending } from './reboot-pending.js';
import { sqliteDeferred } from './deferred.js';
import type {
  CaseContext, CaseEvent, CaseFilter, CaseRecord, ComplianceRecord, ComplianceUpdate, DeliveryRecord, ParkRecord, PresenceRecord, PresenceUpdate, HeldLease, JournalStore, LeaseGrant, LeaseHolder, MachineRecord, MachineStateRecord, NewRun,
  PlannedMachine, RunMachineRecord, RunRecord, StepRecord,
} from './store.js';
import type { RunMode, RunOutcome } from '../model/result.js';
import { importCurrent, importRun, listRunSteps } from './sqlite-import.js';
import type { AppliedState, AppliedUpdate, RemovableState } from '../model/applied-state.js';
import * as applied from './sqlite-applied.js';
import type { OfflineCaseChanges, OfflineCaseRequest } from './offline-cases.js';
import * as compliance from './sqlite-compliance.js';
import * as presence from './sqlite-presence.js';
import { burnDown, countBySite, groupOpenCases, journalCounts, lastResults, machineHistory, unfinishedRuns, UNFINISHED_IN } from './sqlite-reports.js';
import type {
  BurnDownPoint, CauseGroup, CauseQuery, JournalCounts, LastResultRecord, MachineHistory, RebootPendingRecord, DeferredRecord, SiteCountQuery, SiteCounts, UnfinishedRun,
} from './store.js';

export interface SqliteStoreOptions {
  create?: boolean; // default true: create the file and its folders; false: a missing journal is an error
  busyTimeoutMs?: number; // how long a writer waits for another process's transaction (default 5000)
}

const UPSERT_RUN_MACHINE = `
  INSERT INTO run_machines (run_id, machine, site, wave, status, error_class, message, fingerprint, attempts, started_at, finished_at, duration_ms, plan_hash, reboot_required)
  VALUES (@run_id, @machine, @site, @wave, @status, @error_class, @message, @fingerprint, @attempts, @started_at, @finished_at, @duration_ms, @plan_hash, @reboot_required)
  ON CONFLICT (run_id, machine) DO UPDATE SET site = excluded.site, wave = excluded.wave, status = excluded.status,
    error_class = excluded.error_class, message = excluded.message, fingerprint = excluded.fingerprint, attempts = excluded.attempts,
    started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, plan_hash = excluded.plan_hash,
    reboot_required = excluded.reboot_required`;

export const INSERT_EVENT = 'INSERT INTO case_events (machine, at, kind, owner, text, run_id, who) VALUES (@machine, @at, @kind, @owner, @text, @run_id, @who)';

export function eventParams(e: CaseEvent): Record<string, unknown> {
  return { machine: e.machine, at: e.at, kind: e.kind, owner: e.owner, text: e.text, run_id: e.runId, who: e.who };
}

export const UPSERT_CASE = `
  INSERT OR REPLACE INTO cases (machine, site, status, error_class, fingerprint, message, first_failed, last_attempt, last_run, attempts, owner, due_at, escalated_at, closed_at, closed_by_run)
  VALUES (@machine, @site, @status, @error_class, @fingerprint, @message, @first_failed, @last_attempt, @last_run, @attempts, @owner, @due_at, @escalated_at, @closed_at, @closed_by_run)`;

const UPSERT_STATE = `
  INSERT OR REPLACE INTO machine_state (machine, site, last_success_run, last_success_plan_hash, last_success_at)
  VALUES (?, ?, ?, ?, ?)`;

/** The journal in one SQLite file: WAL, a busy timeout for concurrent readers/writers, foreign keys, migrations. */
export class SqliteStore implements JournalStore {
  /** Write transactions committed by this connection (batching is measured by it). */
  writeTransactions = 0;
  private readonly db: Database.Database;

  constructor(readonly location: string, options: SqliteStoreOptions = {}) {
    const create = options.create ?? true;
    if (!create && !existsSync(location)) {
      throw new JournalError(`no journal at ${location}: nothing has been rolled out from this repository yet`);
    }
    try {
      if (create) mkdirSync(dirname(location), { recursive: true });
      this.db = new Database(location);
    } catch (err) {
      throw new JournalError(`${location}: cannot open the journal: ${(err as Error).message}`, { cause: err });
    }
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      this.db.pragma('foreign_keys = ON');
      this.db.pragma('synchronous = NORMAL');
      migrate(this.db, location);
    } catch (err) {
      this.db.close();
      if (err instanceof JournalError) throw err;
      throw new JournalError(`${location}: not a usable homeshift journal: ${(err as Error).message}`, { cause: err });
    }
  }

  private write<T>(fn: () => T): T {
    const result = this.db.transaction(fn).immediate();
    this.writeTransactions++;
    return result;
  }

  async startRun(run: NewRun, machines: PlannedMachine[]): Promise<void> {
    const addPending = this.db.prepare(
      `INSERT OR IGNORE INTO run_machines (run_id, machine, site, wave, status, plan_hash) VALUES (?, ?, ?, ?, 'pending', ?)`,
    );
    this.write(() => {
      const exists = this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(run.id);
      if (exists) {
        this.db.prepare('UPDATE runs SET finished_at = NULL, outcome = NULL WHERE id = ?').run(run.id);
      } else {
        this.db.prepare(
          `INSERT INTO runs (id, started_at, who, command_line, mode, plan_hash, selector) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(run.id, run.startedAt, run.who ?? describeInvoker(), run.commandLine, run.mode, run.planHash, run.selector);
      }
      for (const m of machines) addPending.run(run.id, m.machine, m.site, m.wave, m.planHash);
      this.db.prepare('UPDATE runs SET total = (SELECT count(*) FROM run_machines WHERE run_id = ?) WHERE id = ?').run(run.id, run.id);
    });
  }

  async recordResults(runId: string, batch: MachineRecord[], context: CaseContext): Promise<void> {
    const upsertMachine = this.db.prepare(UPSERT_RUN_MACHINE);
    const deleteSteps = this.db.prepare('DELETE FROM step_results WHERE run_id = ? AND machine = ?');
    const insertStep = this.db.prepare(
      `INSERT INTO step_results (run_id, machine, seq, step, status, error_class, exit_code, duration_ms, message, stdout_tail, stderr_tail, reboot_required)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const selectCase = this.db.prepare('SELECT * FROM cases WHERE machine = ?');
    const upsertCase = this.db.prepare(UPSERT_CASE);
    const upsertState = this.db.prepare(UPSERT_STATE);
    const addEvent = this.db.prepare(INSERT_EVENT);
    this.write(() => {
      const run = this.db.prepare('SELECT mode FROM runs WHERE id = ?').get(runId) as { mode: RunMode } | undefined;
      if (!run) throw new JournalError(`run ${runId} is not in the journal ${this.location}`);
      for (const record of batch) {
        const r = record.result;
        upsertMachine.run({
          run_id: runId, machine: r.machine, site: r.site, wave: record.wave, status: r.status, error_class: r.errorClass,
          message: r.message, fingerprint: record.fingerprint, attempts: r.attempts, started_at: r.startedAt,
          finished_at: r.finishedAt, duration_ms: Math.round(r.durationMs), plan_hash: r.planHash, reboot_required: r.rebootRequired ? 1 : 0,
        });
        leases.releaseRecorded(this.db, runId, r.machine);
        deleteSteps.run(runId, r.machine);
        r.steps.forEach((s, seq) => {
          insertStep.run(runId, r.machine, seq, s.step, s.status, s.errorClass, s.exitCode, Math.round(s.durationMs), s.message, s.stdoutTail, s.stderrTail, s.rebootRequired ? 1 : 0);
        });
        if (run.mode !== 'apply') continue; // check runs never open or close cases
        const existingRow = selectCase.get(r.machine) as Record<string, unknown> | undefined;
        const next = nextCase(existingRow ? toCaseRecord(existingRow) : null, runId, record, context);
        if (next) {
          const existing = existingRow ? toCaseRecord(existingRow) : null;
          upsertCase.run(caseParams(next));
          for (const e of runCaseEvents(existing, next, runId)) addEvent.run(eventParams(e));
        }
        if (isSuccess(r)) upsertState.run(r.machine, r.site, runId, r.planHash, r.finishedAt);
      }
    });
  }

  async finishRun(runId: string, outcome: RunOutcome, finishedAt: string | null): Promise<void> {
    this.write(() => {
      const rows = this.db.prepare('SELECT status, count(*) AS n FROM run_machines WHERE run_id = ? GROUP BY status').all(runId) as { status: string; n: number }[];
      const counts = Object.fromEntries(rows.map((row) => [row.status, row.n]));
      const info = this.db.prepare('UPDATE runs SET outcome = ?, finished_at = ?, counts = ? WHERE id = ?').run(outcome, finishedAt, JSON.stringify(counts), runId);
      if (info.changes === 0) throw new JournalError(`run ${runId} is not in the journal ${this.location}`);
    });
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(runId) as Record<string, unknown> | undefined;
    return row ? toRunRecord(row) : null;
  }

  async listDeferred(): Promise<DeferredRecord[]> {
    return sqliteDeferred(this.db);
  }

  async rebootPending(): Promise<RebootPendingRecord[]> {
    return sqliteRebootPending(this.db);
  }

  async countBySite(query: SiteCountQuery): Promise<SiteCounts[]> {
    return countBySite(this.db, query);
  }

  async groupOpenCases(query: CauseQuery): Promise<CauseGroup[]> {
    return groupOpenCases(this.db, query);
  }

  async burnDown(): Promise<BurnDownPoint[]> {
    return burnDown(this.db);
  }

  async lastResults(): Promise<LastResultRecord[]> {
    return lastResults(this.db);
  }

  async machineHistory(machine: string): Promise<MachineHistory> {
    return machineHistory(this.db, machine);
  }

  async unfinishedRuns(): Promise<UnfinishedRun[]> {
    return unfinishedRuns(this.db);
  }

  async listRunSteps(runId: string): Promise<StepRecord[]> {
    return listRunSteps(this.db, runId);
  }

  async counts(): Promise<JournalCounts> {
    return journalCounts(this.db);
  }

  async importRun(run: RunRecord, machines: RunMachineRecord[], steps: StepRecord[]): Promise<boolean> {
    return this.write(() => importRun(this.db, run, machines, steps));
  }

  async importCurrent(cases: CaseRecord[], states: MachineStateRecord[]): Promise<{ cases: number; machineStates: number }> {
    return this.write(() => importCurrent(this.db, cases, states));
  }

  async listRuns(filter: { mode?: RunMode; limit?: number } = {}): Promise<RunRecord[]> {
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE (@mode IS NULL OR mode = @mode) ORDER BY started_at DESC, id DESC LIMIT @limit`)
      .all({ mode: filter.mode ?? null, limit: filter.limit ?? -1 }) as Record<string, unknown>[];
    return rows.map(toRunRecord);
  }

  async findResumableRun(): Promise<RunRecord | null> {
    const row = this.db.prepare(
      `SELECT * FROM runs r WHERE r.mode = 'apply' AND (r.finished_at IS NULL OR r.outcome = 'interrupted')
         AND EXISTS (SELECT 1 FROM run_machines m WHERE m.run_id = r.id AND m.status IN ${UNFINISHED_IN})
       ORDER BY r.started_at DESC, r.id DESC LIMIT 1`,
    ).get() as Record<string, unknown> | undefined;
    return row ? toRunRecord(row) : null;
  }

  async pendingMachines(runId: string): Promise<PlannedMachine[]> {
    const rows = this.db
      .prepare(`SELECT machine, site, wave, plan_hash FROM run_machines WHERE run_id = ? AND status IN ${UNFINISHED_IN} ORDER BY wave, machine`)
      .all(runId) as { machine: string; site: string; wave: number; plan_hash: string }[];
    return rows.map((r) => ({ machine: r.machine, site: r.site, wave: r.wave, planHash: r.plan_hash }));
  }

  async listRunMachines(filter: { runId?: string; machine?: string }): Promise<RunMachineRecord[]> {
    if (filter.runId !== undefined && filter.machine !== undefined) {
      // one row by its key: asked for every machine a run takes a lease on
      const row = this.db.prepare('SELECT * FROM run_machines WHERE run_id = ? AND machine = ?').get(filter.runId, filter.machine) as Record<string, unknown> | undefined;
      return row ? [toRunMachineRecord(row)] : [];
    }
    const rows = this.db.prepare(
      `SELECT m.* FROM run_machines m JOIN runs r ON r.id = m.run_id
       WHERE (@run IS NULL OR m.run_id = @run) AND (@machine IS NULL OR m.machine = @machine)
       ORDER BY r.started_at, m.run_id, coalesce(m.started_at, r.started_at), m.machine`,
    ).all({ run: filter.runId ?? null, machine: filter.machine ?? null }) as Record<string, unknown>[];
    return rows.map(toRunMachineRecord);
  }

  async listStepResults(runId: string, machine: string): Promise<StepRecord[]> {
    const rows = this.db.prepare('SELECT * FROM step_results WHERE run_id = ? AND machine = ? ORDER BY seq').all(runId, machine) as Record<string, unknown>[];
    return rows.map(toStepRecord);
  }

  async listCases(filter: CaseFilter = {}): Promise<CaseRecord[]> {
    const rows = this.db.prepare(
      `SELECT * FROM cases WHERE (@status IS NULL OR status = @status) AND (@site IS NULL OR site = @site)
         AND (@cls IS NULL OR error_class = @cls) AND (@run IS NULL OR last_run = @run) AND (@machine IS NULL OR machine = @machine)
       ORDER BY machine`,
    ).all({
      status: filter.status ?? null, site: filter.site ?? null, cls: filter.errorClass ?? null,
      run: filter.lastRun ?? null, machine: filter.machine ?? null,
    }) as Record<string, unknown>[];
    return rows.map(toCaseRecord);
  }

  async caseEvents(machine?: string): Promise<CaseEvent[]> {
    const rows = (machine === undefined
      ? this.db.prepare('SELECT * FROM case_events ORDER BY machine, at, id').all()
      : this.db.prepare('SELECT * FROM case_events WHERE machine = ? ORDER BY at, id').all(machine)) as Record<string, unknown>[];
    return rows.map(toCaseEvent);
  }

  async importCaseEvents(events: CaseEvent[]): Promise<number> {
    return this.write(() => {
      const held = this.db.prepare(
        'SELECT 1 FROM case_events WHERE machine = @machine AND at = @at AND kind = @kind AND owner IS @owner AND text IS @text AND run_id IS @run_id AND who IS @who',
      );
      const insert = this.db.prepare(INSERT_EVENT);
      let written = 0;
      for (const event of events) {
        const params = eventParams(event);
        if (held.get(params)) continue;
        insert.run(params);
        written++;
      }
      return written;
    });
  }

  async assignCase(machine: string, owner: string, at: string, who: string): Promise<CaseRecord | null> {
    return this.write(() => {
      const changed = this.db.prepare("UPDATE cases SET owner = ? WHERE machine = ? AND status = 'open'").run(owner, machine);
      if (changed.changes === 0) return null;
      this.db.prepare(INSERT_EVENT).run(eventParams({ machine, at, kind: 'assigned', owner, text: null, runId: null, who }));
      return toCaseRecord(this.db.prepare('SELECT * FROM cases WHERE machine = ?').get(machine) as Record<string, unknown>);
    });
  }

  async escalateCase(machine: string, to: string | null, at: string, who: string): Promise<boolean> {
    return this.write(() => {
      const changed = this.db.prepare("UPDATE cases SET escalated_at = coalesce(escalated_at, ?) WHERE machine = ? AND status = 'open'").run(at, machine);
      if (changed.changes === 0) return false;
      this.db.prepare(INSERT_EVENT).run(eventParams({ machine, at, kind: 'escalated', owner: to, text: null, runId: null, who }));
      return true;
    });
  }

  async listDeliveries(): Promise<DeliveryRecord[]> {
    const rows = this.db.prepare('SELECT * FROM notify_deliveries ORDER BY recipient, digest, machine').all() as Record<string, unknown>[];
    return rows.map((r) => ({
      recipient: String(r.recipient), digest: r.digest as DeliveryRecord['digest'], machine: String(r.machine), state: String(r.state), deliveredAt: String(r.delivered_at),
    }));
  }

  async recordDeliveries(rows: DeliveryRecord[]): Promise<void> {
    if (rows.length === 0) return;
    this.write(() => {
      const upsert = this.db.prepare(`INSERT INTO notify_deliveries (recipient, digest, machine, state, delivered_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (recipient, digest, machine) DO UPDATE SET state = excluded.state, delivered_at = excluded.delivered_at`);
      for (const r of rows) upsert.run(r.recipient, r.digest, r.machine, r.state, r.deliveredAt);
    });
  }

  async recordPresence(updates: PresenceUpdate[], offline?: OfflineCaseRequest): Promise<OfflineCaseChanges> {
    return updates.length === 0 && !offline?.notSeen.length ? { opened: [], closed: [] } : this.write(() => presence.recordPresence(this.db, updates, offline));
  }

  async listPresence(): Promise<PresenceRecord[]> {
    const rows = this.db.prepare('SELECT * FROM machine_presence ORDER BY machine').all() as Record<string, unknown>[];
    return rows.map(presence.presenceRow);
  }

  async parkMachine(park: ParkRecord): Promise<void> {
    this.write(() => presence.parkMachine(this.db, park));
  }

  async unparkMachine(machine: string): Promise<boolean> {
    return this.write(() => this.db.prepare('DELETE FROM parks WHERE machine = ?').run(machine).changes > 0);
  }

  async listParks(): Promise<ParkRecord[]> {
    const rows = this.db.prepare('SELECT * FROM parks ORDER BY machine').all() as Record<string, unknown>[];
    return rows.map(presence.parkRow);
  }

  async recordCompliance(runId: string, updates: ComplianceUpdate[], context: CaseContext): Promise<void> { if (updates.length > 0) this.write(() => compliance.recordCompliance(this.db, this.location, runId, updates, context)); }

  async listCompliance(): Promise<ComplianceRecord[]> { return compliance.listCompliance(this.db); }

  async importCompliance(records: ComplianceRecord[]): Promise<number> { return this.write(() => compliance.importCompliance(this.db, records)); }

  async recordApplied(updates: AppliedUpdate[]): Promise<void> { if (updates.length > 0) this.write(() => applied.recordApplied(this.db, updates)); }
  async listApplied(machines?: readonly string[]): Promise<AppliedState[]> { return applied.listApplied(this.db, machines); }
  async listRemovable(machines?: readonly string[]): Promise<RemovableState[]> { return applied.listRemovable(this.db, machines); }
  async appliedPlanHashes(): Promise<Map<string, string | null>> { return applied.appliedPlanHashes(this.db); }
  async importApplied(states: AppliedState[]): Promise<number> { return this.write(() => applied.importApplied(this.db, states)); }

  async noteCase(machine: string, text: string, at: string, who: string): Promise<boolean> {
    return this.write(() => {
      if (!this.db.prepare('SELECT 1 FROM cases WHERE machine = ?').get(machine)) return false;
      this.db.prepare(INSERT_EVENT).run(eventParams({ machine, at, kind: 'note', owner: null, text, runId: null, who }));
      return true;
    });
  }

  async listMachineStates(): Promise<MachineStateRecord[]> {
    const rows = this.db.prepare('SELECT * FROM machine_state ORDER BY machine').all() as Record<string, unknown>[];
    return rows.map(toMachineStateRecord);
  }

  async acquireLeases(holder: LeaseHolder, machines: string[], ttlMs: number): Promise<LeaseGrant> {
    return this.write(() => leases.acquireLeases(this.db, holder, machines, ttlMs));
  }

  async renewLeases(holder: LeaseHolder, machines: string[], ttlMs: number): Promise<string[]> {
    return this.write(() => leases.renewLeases(this.db, holder, machines, ttlMs));
  }

  async releaseLeases(holder: LeaseHolder, machines: string[]): Promise<void> {
    this.write(() => leases.releaseLeases(this.db, holder, machines));
  }

  async listLeases(): Promise<HeldLease[]> {
    return leases.listLeases(this.db);
  }

  async finishedInRun(runId: string, machines: string[]): Promise<string[]> {
    return leases.finishedInRun(this.db, runId, machines);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Open (and create or upgrade) the SQLite journal at `location`. */
export async function openSqliteStore(location: string, options: SqliteStoreOptions = {}): Promise<SqliteStore> {
  return new SqliteStore(location, options);
}
