import pg from 'pg';
import { nextCase, isSuccess, runCaseEvents } from './cases.js';
import { describeInvoker } from './invoker.js';
import { redactUrl } from './location.js';
import { migratePostgres } from './postgres-migrations.js';
import { connectionConfig, describePgError } from './postgres-connection.js';
import { importCurrent, importRun, listRunSteps } from './postgres-import.js';
import { burnDown, countBySite, groupOpenCases, journalCounts, lastResults, machineHistory, unfinishedRuns, type Query } from './postgres-reports.js';
import { UNFINISHED_IN } from './sqlite-reports.js';
import { eventJson, IMPORT_CASE_EVENTS, INSERT_EVENTS, pgTypes, runMachineJson, stepJson, UPSERT_CASES } from './postgres-rows.js';
import * as presence from './postgres-presence.js';
import { parkRow, presenceRow } from './sqlite-presence.js';
import { caseParams, toCaseEvent, toCaseRecord, toMachineStateRecord, toRunMachineRecord, toRunRecord, toStepRecord } from './sqlite-rows.js';
import { JournalError } from './store.js';
import { postgresRebootPending } from './reboot-pending.js';
import type { AppliedState, AppliedUpdate, RemovableState } from '../model/applied-state.js';
import * as applied from './postgres-applied.js';
import { postgresDeferred } from './deferred.js';
import * as compliance from './postgres-compliance.js';
import { acquireLeases, finishedInRun, listLeases, releaseLeases, renewLeases } from './postgres-leases.js';
import type {
  BurnDownPoint, CaseContext, CaseEvent, CaseFilter, CaseRecord, CauseGroup, ComplianceRecord, ComplianceUpdate, CauseQuery, DeliveryRecord, HeldLease, ParkRecord, PresenceRecord, PresenceUpdate, JournalCounts, JournalStore, LastResultRecord,
  LeaseGrant, LeaseHolder, MachineHistory, MachineRecord, MachineStateRecord, NewRun, PlannedMachine, RunMachineRecord, RunRecord,
  RebootPendingRecord, DeferredRecord, SiteCountQuery, SiteCounts, StepRecord, UnfinishedRun,
} from './store.js';
import type { RunMode, RunOutcome } from '../model/result.js';

export interface PostgresStoreOptions {
  password?: string; // from a declared secret; otherwise PGPASSWORD or ~/.pgpass, as libpq does
  poolSize?: number; // connections (default 4: the writer, a reader, the lease renewal)
  connectTimeoutMs?: number; // default 10000
}

type Row = Record<string, unknown>;

const UPSERT_RUN_MACHINES = `
  INSERT INTO run_machines SELECT * FROM jsonb_populate_recordset(NULL::run_machines, $1::jsonb)
  ON CONFLICT (run_id, machine) DO UPDATE SET site = excluded.site, wave = excluded.wave, status = excluded.status,
    error_class = excluded.error_class, message = excluded.message, fingerprint = excluded.fingerprint, attempts = excluded.attempts,
    started_at = excluded.started_at, finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, plan_hash = excluded.plan_hash,
    reboot_required = excluded.reboot_required`;

const UPSERT_STATES = `
  INSERT INTO machine_state SELECT * FROM jsonb_populate_recordset(NULL::machine_state, $1::jsonb)
  ON CONFLICT (machine) DO UPDATE SET site = excluded.site, last_success_run = excluded.last_success_run,
    last_success_plan_hash = excluded.last_success_plan_hash, last_success_at = excluded.last_success_at`;

/** The journal in a PostgreSQL database, shared by every control machine of a team (node-postgres, one pool). */
export class PostgresStore implements JournalStore {
  /** Write transactions committed through this store (batching is measured by it). */
  writeTransactions = 0;

  private constructor(readonly location: string, private readonly pool: pg.Pool) {}

  /** Connect, migrate, and return the store; every failure is one JournalError naming the redacted URL. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    const location = redactUrl(url);
    let config: pg.PoolConfig;
    try {
      config = connectionConfig(url);
    } catch (err) {
      throw new JournalError(`${location}: not a PostgreSQL URL: ${(err as Error).message}`);
    }
    const pool = new pg.Pool({
      ...config,
      ...(options.password !== undefined ? { password: options.password } : {}),
      max: options.poolSize ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      application_name: 'homeshift',
      types: pgTypes,
    });
    pool.on('error', () => undefined); // an idle connection the server dropped; the next query reconnects
    const store = new PostgresStore(location, pool);
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, location);
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      if (err instanceof JournalError) throw err;
      throw new JournalError(`${location}: ${describePgError(err, config)}`, { cause: err });
    }
    return store;
  }

  private query: Query = (text, values) => this.pool.query<Row>(text, values);

  /** One transaction on one connection; rolled back when `work` throws. */
  private async write<T>(work: (query: Query) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work((text, values) => client.query<Row>(text, values));
      await client.query('COMMIT');
      this.writeTransactions++;
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async startRun(run: NewRun, machines: PlannedMachine[]): Promise<void> {
    await this.write(async (q) => {
      const reopened = await q('UPDATE runs SET finished_at = NULL, outcome = NULL WHERE id = $1', [run.id]);
      if (reopened.rowCount === 0) {
        await q(
          `INSERT INTO runs (id, started_at, who, command_line, mode, plan_hash, selector) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [run.id, run.startedAt, run.who ?? describeInvoker(), run.commandLine, run.mode, run.planHash, run.selector],
        );
      }
      const pending = machines.map((m) => ({ run_id: run.id, machine: m.machine, site: m.site, wave: m.wave, status: 'pending', attempts: 0, plan_hash: m.planHash, reboot_required: false }));
      await q(`INSERT INTO run_machines SELECT * FROM jsonb_populate_recordset(NULL::run_machines, $1::jsonb) ON CONFLICT DO NOTHING`, [JSON.stringify(pending)]);
      await q('UPDATE runs SET total = (SELECT count(*) FROM run_machines WHERE run_id = $1) WHERE id = $1', [run.id]);
    });
  }

  async recordResults(runId: string, batch: MachineRecord[], context: CaseContext): Promise<void> {
    // The last record of a machine wins, as it would row by row.
    const byMachine = new Map(batch.map((record) => [record.result.machine, record]));
    const records = [...byMachine.values()];
    const machines = [...byMachine.keys()];
    await this.write(async (q) => {
      const { rows } = await q('SELECT mode FROM runs WHERE id = $1', [runId]);
      if (rows.length === 0) throw new JournalError(`run ${runId} is not in the journal ${this.location}`);
      const mode = rows[0].mode as RunMode;
      await q(UPSERT_RUN_MACHINES, [JSON.stringify(records.map((r) => runMachineJson(runId, r)))]);
      await q('DELETE FROM step_results WHERE run_id = $1 AND machine = ANY($2::text[])', [runId, machines]);
      const steps = records.flatMap((r) => stepJson(runId, r.result));
      if (steps.length > 0) await q('INSERT INTO step_results SELECT * FROM jsonb_populate_recordset(NULL::step_results, $1::jsonb)', [JSON.stringify(steps)]);
      await q('DELETE FROM leases WHERE run_id = $1 AND machine = ANY($2::text[])', [runId, machines]);
      if (mode !== 'apply') return; // check runs never open or close cases
      const existing = await q('SELECT * FROM cases WHERE machine = ANY($1::text[]) ORDER BY machine FOR UPDATE', [machines]);
      const cases = new Map(existing.rows.map((row) => [String(row.machine), toCaseRecord(row)]));
      const changed: CaseRecord[] = [];
      const events: CaseEvent[] = [];
      const states: Row[] = [];
      for (const record of records) {
        const r = record.result;
        const next = nextCase(cases.get(r.machine) ?? null, runId, record, context);
        if (next) {
          changed.push(next);
          events.push(...runCaseEvents(cases.get(r.machine) ?? null, next, runId));
        }
        if (isSuccess(r)) states.push({ machine: r.machine, site: r.site, last_success_run: runId, last_success_plan_hash: r.planHash, last_success_at: r.finishedAt });
      }
      if (changed.length > 0) await q(UPSERT_CASES, [JSON.stringify(changed.map(caseParams))]);
      if (events.length > 0) await q(INSERT_EVENTS, [JSON.stringify(events.map(eventJson))]);
      if (states.length > 0) await q(UPSERT_STATES, [JSON.stringify(states)]);
    });
  }

  async finishRun(runId: string, outcome: RunOutcome, finishedAt: string | null): Promise<void> {
    await this.write(async (q) => {
      const { rows } = await q('SELECT status, count(*) AS n FROM run_machines WHERE run_id = $1 GROUP BY status ORDER BY status', [runId]);
      const counts = Object.fromEntries(rows.map((row) => [String(row.status), Number(row.n)]));
      const updated = await q('UPDATE runs SET outcome = $1, finished_at = $2, counts = $3 WHERE id = $4', [outcome, finishedAt, JSON.stringify(counts), runId]);
      if (updated.rowCount === 0) throw new JournalError(`run ${runId} is not in the journal ${this.location}`);
    });
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const { rows } = await this.query('SELECT * FROM runs WHERE id = $1', [runId]);
    return rows[0] ? toRunRecord(rows[0]) : null;
  }

  async listRuns(filter: { mode?: RunMode; limit?: number } = {}): Promise<RunRecord[]> {
    const { rows } = await this.query(
      'SELECT * FROM runs WHERE ($1::text IS NULL OR mode = $1) ORDER BY started_at DESC, id COLLATE "C" DESC LIMIT $2',
      [filter.mode ?? null, filter.limit ?? null],
    );
    return rows.map(toRunRecord);
  }

  async findResumableRun(): Promise<RunRecord | null> {
    const { rows } = await this.query(
      `SELECT * FROM runs r WHERE r.mode = 'apply' AND (r.finished_at IS NULL OR r.outcome = 'interrupted')
         AND EXISTS (SELECT 1 FROM run_machines m WHERE m.run_id = r.id AND m.status IN ${UNFINISHED_IN})
       ORDER BY r.started_at DESC, r.id COLLATE "C" DESC LIMIT 1`,
    );
    return rows[0] ? toRunRecord(rows[0]) : null;
  }

  async pendingMachines(runId: string): Promise<PlannedMachine[]> {
    const { rows } = await this.query(
      `SELECT machine, site, wave, plan_hash FROM run_machines WHERE run_id = $1 AND status IN ${UNFINISHED_IN} ORDER BY wave, machine COLLATE "C"`,
      [runId],
    );
    return rows.map((r) => ({ machine: String(r.machine), site: String(r.site), wave: Number(r.wave), planHash: String(r.plan_hash) }));
  }

  async listRunMachines(filter: { runId?: string; machine?: string }): Promise<RunMachineRecord[]> {
    const { rows } = await this.query(
      `SELECT m.* FROM run_machines m JOIN runs r ON r.id = m.run_id
       WHERE ($1::text IS NULL OR m.run_id = $1) AND ($2::text IS NULL OR m.machine = $2)
       ORDER BY r.started_at, m.run_id COLLATE "C", coalesce(m.started_at, r.started_at), m.machine COLLATE "C"`,
      [filter.runId ?? null, filter.machine ?? null],
    );
    return rows.map(toRunMachineRecord);
  }

  async listStepResults(runId: string, machine: string): Promise<StepRecord[]> {
    const { rows } = await this.query('SELECT * FROM step_results WHERE run_id = $1 AND machine = $2 ORDER BY seq', [runId, machine]);
    return rows.map(toStepRecord);
  }

  async listCases(filter: CaseFilter = {}): Promise<CaseRecord[]> {
    const { rows } = await this.query(
      `SELECT * FROM cases WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR site = $2)
         AND ($3::text IS NULL OR error_class = $3) AND ($4::text IS NULL OR last_run = $4) AND ($5::text IS NULL OR machine = $5)
       ORDER BY machine COLLATE "C"`,
      [filter.status ?? null, filter.site ?? null, filter.errorClass ?? null, filter.lastRun ?? null, filter.machine ?? null],
    );
    return rows.map(toCaseRecord);
  }

  async caseEvents(machine?: string): Promise<CaseEvent[]> {
    const { rows } = machine === undefined
      ? await this.query('SELECT * FROM case_events ORDER BY machine COLLATE "C", at, id')
      : await this.query('SELECT * FROM case_events WHERE machine = $1 ORDER BY at, id', [machine]);
    return rows.map(toCaseEvent);
  }

  async importCaseEvents(events: CaseEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    return this.write(async (q) => {
      const { rowCount } = await q(IMPORT_CASE_EVENTS, [JSON.stringify(events.map(eventJson))]);
      return rowCount ?? 0;
    });
  }

  async assignCase(machine: string, owner: string, at: string, who: string): Promise<CaseRecord | null> {
    return this.write(async (q) => {
      const { rows } = await q("UPDATE cases SET owner = $1 WHERE machine = $2 AND status = 'open' RETURNING *", [owner, machine]);
      if (rows.length === 0) return null;
      await q(INSERT_EVENTS, [JSON.stringify([eventJson({ machine, at, kind: 'assigned', owner, text: null, runId: null, who })])]);
      return toCaseRecord(rows[0]);
    });
  }

  async escalateCase(machine: string, to: string | null, at: string, who: string): Promise<boolean> {
    return this.write(async (q) => {
      const { rows } = await q("UPDATE cases SET escalated_at = coalesce(escalated_at, $1::timestamptz) WHERE machine = $2 AND status = 'open' RETURNING machine", [at, machine]);
      if (rows.length === 0) return false;
      await q(INSERT_EVENTS, [JSON.stringify([eventJson({ machine, at, kind: 'escalated', owner: to, text: null, runId: null, who })])]);
      return true;
    });
  }

  async listDeliveries(): Promise<DeliveryRecord[]> {
    const { rows } = await this.query('SELECT * FROM notify_deliveries ORDER BY recipient COLLATE "C", digest COLLATE "C", machine COLLATE "C"');
    return rows.map((r) => ({
      recipient: String(r.recipient), digest: r.digest as DeliveryRecord['digest'], machine: String(r.machine), state: String(r.state), deliveredAt: String(r.delivered_at),
    }));
  }

  async recordDeliveries(rows: DeliveryRecord[]): Promise<void> {
    if (rows.length === 0) return;
    await this.write(async (q) => {
      await q(`INSERT INTO notify_deliveries (recipient, digest, machine, state, delivered_at)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
        ON CONFLICT (recipient, digest, machine) DO UPDATE SET state = excluded.state, delivered_at = excluded.delivered_at`,
      [rows.map((r) => r.recipient), rows.map((r) => r.digest), rows.map((r) => r.machine), rows.map((r) => r.state), rows.map((r) => r.deliveredAt)]);
    });
  }

  async recordPresence(updates: PresenceUpdate[], offline?: presence.OfflineCaseRequest): Promise<presence.OfflineCaseChanges> {
    return updates.length === 0 && !offline?.notSeen.length ? { opened: [], closed: [] } : this.write((q) => presence.recordPresence(q, updates, offline));
  }

  async listPresence(): Promise<PresenceRecord[]> {
    const { rows } = await this.query('SELECT * FROM machine_presence ORDER BY machine COLLATE "C"');
    return rows.map(presenceRow);
  }

  async parkMachine(park: ParkRecord): Promise<void> {
    await this.write((q) => presence.parkMachine(q, park));
  }

  async unparkMachine(machine: string): Promise<boolean> {
    return this.write(async (q) => ((await q('DELETE FROM parks WHERE machine = $1', [machine])).rowCount ?? 0) > 0);
  }

  async listParks(): Promise<ParkRecord[]> {
    const { rows } = await this.query('SELECT * FROM parks ORDER BY machine COLLATE "C"');
    return rows.map(parkRow);
  }

  async recordCompliance(runId: string, updates: ComplianceUpdate[], context: CaseContext): Promise<void> { if (updates.length > 0) await this.write((q) => compliance.recordCompliance(q, this.location, runId, updates, context)); }

  async listCompliance(): Promise<ComplianceRecord[]> { return compliance.listCompliance(this.query); }

  async importCompliance(records: ComplianceRecord[]): Promise<number> { return this.write((q) => compliance.importCompliance(q, records)); }

  async recordApplied(updates: AppliedUpdate[]): Promise<void> { if (updates.length > 0) await this.write((q) => applied.recordApplied(q, updates)); }
  async listApplied(machines?: readonly string[]): Promise<AppliedState[]> { return applied.listApplied(this.query, machines); }
  async listRemovable(machines?: readonly string[]): Promise<RemovableState[]> { return applied.listRemovable(this.query, machines); }
  async appliedPlanHashes(): Promise<Map<string, string | null>> { return applied.appliedPlanHashes(this.query); }
  async importApplied(states: AppliedState[]): Promise<number> { return this.write((q) => applied.importApplied(q, states)); }

  async noteCase(machine: string, text: string, at: string, who: string): Promise<boolean> {
    return this.write(async (q) => {
      const { rows } = await q('SELECT 1 FROM cases WHERE machine = $1', [machine]);
      if (rows.length === 0) return false;
      await q(INSERT_EVENTS, [JSON.stringify([eventJson({ machine, at, kind: 'note', owner: null, text, runId: null, who })])]);
      return true;
    });
  }

  async listMachineStates(): Promise<MachineStateRecord[]> {
    const { rows } = await this.query('SELECT * FROM machine_state ORDER BY machine COLLATE "C"');
    return rows.map(toMachineStateRecord);
  }

  async acquireLeases(holder: LeaseHolder, machines: string[], ttlMs: number): Promise<LeaseGrant> {
    if (machines.length === 0) return { granted: [], busy: [] };
    return this.write((q) => acquireLeases(q, holder, machines, ttlMs));
  }

  async renewLeases(holder: LeaseHolder, machines: string[], ttlMs: number): Promise<string[]> {
    return renewLeases(this.query, holder, machines, ttlMs);
  }

  async releaseLeases(holder: LeaseHolder, machines: string[]): Promise<void> {
    return releaseLeases(this.query, holder, machines);
  }

  async listLeases(): Promise<HeldLease[]> {
    return listLeases(this.query);
  }

  async finishedInRun(runId: string, machines: string[]): Promise<string[]> {
    return finishedInRun(this.query, runId, machines);
  }

  async listDeferred(): Promise<DeferredRecord[]> {
    return postgresDeferred(this.query);
  }

  async rebootPending(): Promise<RebootPendingRecord[]> {
    return postgresRebootPending(this.query);
  }

  async countBySite(query: SiteCountQuery): Promise<SiteCounts[]> {
    return countBySite(this.query, query);
  }

  async groupOpenCases(query: CauseQuery): Promise<CauseGroup[]> {
    return groupOpenCases(this.query, query);
  }

  async burnDown(): Promise<BurnDownPoint[]> {
    return burnDown(this.query);
  }

  async lastResults(): Promise<LastResultRecord[]> {
    return lastResults(this.query);
  }

  async machineHistory(machine: string): Promise<MachineHistory> {
    return machineHistory(this.query, machine);
  }

  async unfinishedRuns(): Promise<UnfinishedRun[]> {
    return unfinishedRuns(this.query);
  }

  async listRunSteps(runId: string): Promise<StepRecord[]> {
    return listRunSteps(this.query, runId);
  }

  async counts(): Promise<JournalCounts> {
    return journalCounts(this.query);
  }

  async importRun(run: RunRecord, machines: RunMachineRecord[], steps: StepRecord[]): Promise<boolean> {
    return this.write((q) => importRun(q, run, machines, steps));
  }

  async importCurrent(cases: CaseRecord[], states: MachineStateRecord[]): Promise<{ cases: number; machineStates: number }> {
    return this.write((q) => importCurrent(q, cases, states));
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

/** Open (and create or upgrade the schema of) the PostgreSQL journal at `url`. */
export async function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  return PostgresStore.open(url, options);
}
