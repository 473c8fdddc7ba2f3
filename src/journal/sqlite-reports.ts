import type Database from 'better-sqlite3';
import { toRunMachineRecord, toRunRecord, toStepRecord } from './sqlite-rows.js';
import type {
  BurnDownPoint, CauseGroup, CauseQuery, JournalCounts, LastResultRecord, MachineHistory, SiteCountQuery, SiteCounts, UnfinishedRun,
} from './store.js';
import { FAILED_STATUSES, type ErrorClass, type RunMode, type RunOutcome } from '../model/result.js';

/** What reports ask the SQLite journal: aggregated in SQL, one statement per figure, not row by row in memory. */

type Row = Record<string, unknown>;

/** The failed statuses as an SQL list: the queries count failures as every other view does. */
export const FAILED_IN = FAILED_STATUSES.map((s) => `'${s}'`).join(', ');

/** A machine's row in a run not done yet, as an SQL list in parentheses: not reached (pending) or cut off by the run's end. */
export const UNFINISHED_IN = `('pending', 'interrupted')`;

// an offline case (keep: not seen for days) escalates only past its due time, never by attempts or age (escalation.ts)
const ESCALATED = `(c.escalated_at IS NOT NULL OR (c.error_class IS NOT 'offline' AND (c.attempts >= @attempts OR c.first_failed <= @first_failed_by)) OR c.due_at <= @now)`;

/** The machines status counts: the inventory (and open cases outside it), or every machine the journal knows. */
function knownMachines(withInventory: boolean): string {
  if (withInventory) {
    // jsonb_each: each [id, site, hash] element comes as a binary value whose ->> needs no second parse of its text;
    // the inventory is read once (MATERIALIZED), for both the counts and the open cases outside it
    return `inventory AS MATERIALIZED (SELECT value ->> 0 AS machine, value ->> 1 AS site, value ->> 2 AS plan_hash FROM jsonb_each(@inventory)),
    known AS (
      SELECT machine, site, plan_hash FROM inventory
      UNION ALL
      SELECT machine, site, NULL FROM cases WHERE status = 'open' AND @only = 0 AND machine NOT IN (SELECT machine FROM inventory))`;
  }
  return `known AS (
    SELECT machine, min(site) AS site, NULL AS plan_hash FROM (
      SELECT machine, site FROM run_machines UNION SELECT machine, site FROM machine_state UNION SELECT machine, site FROM cases WHERE status = 'open'
    ) GROUP BY machine)`;
}

/**
 * Machines a run left unfinished (pending or interrupted in an apply run that never finished, e.g. after kill -9);
 * both stores. Driven by the few unfinished runs, through run_machines_by_status: written as a join, SQLite scanned
 * every result row of the history instead.
 */
export const UNFINISHED_MACHINES = `(SELECT DISTINCT m.machine FROM run_machines m
  WHERE m.run_id IN (SELECT r.id FROM runs r WHERE r.mode = 'apply' AND (r.finished_at IS NULL OR r.outcome = 'interrupted'))
    AND m.status IN ${UNFINISHED_IN})`;

export function countBySite(db: Database.Database, query: SiteCountQuery): SiteCounts[] {
  const inventory = query.machines ? JSON.stringify(query.machines.map((m) => [m.id, m.site, m.planHash ?? null])) : null;
  const sql = `WITH ${knownMachines(inventory !== null)}
    SELECT k.site AS site, count(*) AS machines,
      sum(CASE WHEN c.machine IS NOT NULL THEN 1 ELSE 0 END) AS open,
      sum(CASE WHEN c.machine IS NOT NULL AND ${ESCALATED} THEN 1 ELSE 0 END) AS escalated,
      sum(CASE WHEN c.machine IS NULL AND s.machine IS NULL AND u.machine IS NULL THEN 1 ELSE 0 END) AS never_tried,
      sum(CASE WHEN c.machine IS NULL AND s.machine IS NULL AND u.machine IS NOT NULL THEN 1 ELSE 0 END) AS unfinished,
      sum(CASE WHEN c.machine IS NULL AND s.machine IS NOT NULL AND k.plan_hash IS NOT NULL AND k.plan_hash <> s.last_success_plan_hash THEN 1 ELSE 0 END) AS stale
    FROM known k
      LEFT JOIN cases c ON c.machine = k.machine AND c.status = 'open'
      LEFT JOIN machine_state s ON s.machine = k.machine
      LEFT JOIN ${UNFINISHED_MACHINES} u ON u.machine = k.machine
    WHERE (@site IS NULL OR k.site = @site)
    GROUP BY k.site`;
  const params: Row = {
    site: query.site ?? null, attempts: query.escalation.afterAttempts, first_failed_by: query.escalation.firstFailedBy, now: query.escalation.now,
  };
  if (inventory !== null) Object.assign(params, { inventory, only: query.only ? 1 : 0 });
  const rows = db.prepare(sql).all(params) as Row[];
  return rows.map((r) => {
    const [machines, open, neverTried, unfinished, stale] = [r.machines, r.open, r.never_tried, r.unfinished, r.stale].map(Number);
    return { site: String(r.site), machines, open, neverTried, unfinished, stale, escalated: Number(r.escalated), done: machines - open - neverTried - unfinished - stale };
  });
}

const OPEN_CASES = `open_cases AS (
  SELECT c.*, coalesce(c.fingerprint, coalesce(c.error_class, 'error') || ':unknown') AS fp,
    CASE WHEN ${ESCALATED} THEN 1 ELSE 0 END AS esc,
    CASE WHEN c.due_at <= @now THEN 1 ELSE 0 END AS late,
    row_number() OVER (PARTITION BY coalesce(c.fingerprint, coalesce(c.error_class, 'error') || ':unknown') ORDER BY c.machine) AS rn
  FROM cases c
  WHERE c.status = 'open' AND (@cls IS NULL OR c.error_class = @cls) AND (@site IS NULL OR c.site = @site) AND (@run IS NULL OR c.last_run = @run)
    AND (@machines IS NULL OR c.machine IN (SELECT value FROM json_each(@machines))))`;

export function groupOpenCases(db: Database.Database, query: CauseQuery): CauseGroup[] {
  const params = {
    cls: query.errorClass ?? null, site: query.site ?? null, run: query.lastRun ?? null,
    machines: query.machines ? JSON.stringify(query.machines) : null,
    attempts: query.escalation.afterAttempts, first_failed_by: query.escalation.firstFailedBy, now: query.escalation.now,
  };
  const groups = db.prepare(`WITH ${OPEN_CASES}
    SELECT fp, count(*) AS n, sum(esc) AS escalated, sum(late) AS overdue, min(due_at) AS due_at, min(first_failed) AS first_failed,
      max(CASE WHEN rn = 1 THEN error_class END) AS error_class, max(CASE WHEN rn = 1 THEN message END) AS message
    FROM open_cases GROUP BY fp`).all(params) as Row[];
  const lists = (sql: string): Map<string, string[]> => {
    const byFp = new Map<string, string[]>();
    for (const r of db.prepare(`WITH ${OPEN_CASES} ${sql}`).all(params) as Row[]) {
      const list = byFp.get(String(r.fp)) ?? [];
      list.push(String(r.v));
      byFp.set(String(r.fp), list);
    }
    return byFp;
  };
  const samples = lists('SELECT fp, machine AS v FROM open_cases WHERE rn <= 5 ORDER BY fp, machine');
  const sites = lists('SELECT DISTINCT fp, site AS v FROM open_cases ORDER BY fp, site');
  const owners = lists('SELECT DISTINCT fp, owner AS v FROM open_cases WHERE owner IS NOT NULL ORDER BY fp, owner');
  return groups.map((g) => {
    const fp = String(g.fp);
    return {
      fingerprint: fp, errorClass: (g.error_class ?? null) as ErrorClass | null, message: (g.message ?? null) as string | null,
      count: Number(g.n), machines: samples.get(fp) ?? [], sites: sites.get(fp) ?? [], owners: owners.get(fp) ?? [],
      escalated: Number(g.escalated), overdue: Number(g.overdue), dueAt: g.due_at == null ? null : String(g.due_at), firstFailed: String(g.first_failed),
    };
  });
}

/**
 * Every transition of a machine between open (failed, unreachable) and closed (ok, changed), summed per apply run;
 * one text for both stores, `idOrder` the collation that orders run ids alike (PostgreSQL's `COLLATE "C"`).
 */
export const burnDownSql = (idOrder = '') => `
  WITH ordered AS (SELECT id, started_at, finished_at, row_number() OVER (ORDER BY started_at, id ${idOrder}) AS seq FROM runs WHERE mode = 'apply'),
  transitions AS (
    SELECT o.seq, CASE WHEN m.status IN (${FAILED_IN}) THEN 1 ELSE 0 END AS failing,
      lag(CASE WHEN m.status IN (${FAILED_IN}) THEN 1 ELSE 0 END) OVER (PARTITION BY m.machine ORDER BY o.seq) AS before
    FROM run_machines m JOIN ordered o ON o.id = m.run_id
    WHERE m.status IN (${FAILED_IN}, 'ok', 'changed')),
  per_run AS (
    SELECT seq, sum(CASE WHEN failing = 1 AND coalesce(before, 0) = 0 THEN 1 WHEN failing = 0 AND before = 1 THEN -1 ELSE 0 END) AS delta
    FROM transitions GROUP BY seq),
  last_result AS (SELECT run_id, max(finished_at) AS at FROM run_machines GROUP BY run_id)
  SELECT o.id AS run_id,
    coalesce(o.finished_at, CASE WHEN l.at > o.started_at THEN l.at ELSE o.started_at END) AS at,
    sum(coalesce(p.delta, 0)) OVER (ORDER BY o.seq) AS open
  FROM ordered o LEFT JOIN per_run p ON p.seq = o.seq LEFT JOIN last_result l ON l.run_id = o.id
  ORDER BY o.seq`;

export function burnDown(db: Database.Database): BurnDownPoint[] {
  return (db.prepare(burnDownSql()).all() as Row[]).map((r) => ({ runId: String(r.run_id), at: String(r.at), open: Number(r.open) }));
}

export const LAST_RESULTS = `
  SELECT x.*, s.seq AS f_seq, s.step AS f_step, s.status AS f_status, s.error_class AS f_error_class, s.exit_code AS f_exit_code,
    s.duration_ms AS f_duration_ms, s.message AS f_message, s.stdout_tail AS f_stdout_tail, s.stderr_tail AS f_stderr_tail
  FROM (
    SELECT m.*, r.mode AS run_mode, r.started_at AS run_started_at,
      row_number() OVER (PARTITION BY m.machine ORDER BY r.started_at DESC, m.run_id DESC) AS newest
    FROM run_machines m JOIN runs r ON r.id = m.run_id
    WHERE m.status <> 'pending') x
  LEFT JOIN step_results s ON s.run_id = x.run_id AND s.machine = x.machine AND x.status IN (${FAILED_IN})
    AND s.seq = (SELECT min(seq) FROM step_results f WHERE f.run_id = x.run_id AND f.machine = x.machine AND f.status IN (${FAILED_IN}))
  WHERE x.newest = 1
  ORDER BY x.machine`;

/** A LAST_RESULTS row (either store) as a record. */
export function toLastResult(r: Row): LastResultRecord {
  const failingStep = r.f_step === null || r.f_step === undefined ? null : toStepRecord({
    run_id: r.run_id, machine: r.machine, seq: r.f_seq, step: r.f_step, status: r.f_status, error_class: r.f_error_class,
    exit_code: r.f_exit_code, duration_ms: r.f_duration_ms, message: r.f_message, stdout_tail: r.f_stdout_tail, stderr_tail: r.f_stderr_tail,
  });
  return { ...toRunMachineRecord(r), mode: r.run_mode as RunMode, runStartedAt: String(r.run_started_at), failingStep };
}

export function lastResults(db: Database.Database): LastResultRecord[] {
  return (db.prepare(LAST_RESULTS).all() as Row[]).map(toLastResult);
}

export function machineHistory(db: Database.Database, machine: string): MachineHistory {
  const attempts = db.prepare(
    `SELECT m.*, r.mode AS run_mode, r.started_at AS run_started_at, r.who AS run_who, r.command_line AS run_command_line, r.outcome AS run_outcome
     FROM run_machines m JOIN runs r ON r.id = m.run_id WHERE m.machine = ?
     ORDER BY r.started_at, m.run_id, coalesce(m.started_at, r.started_at)`,
  ).all(machine) as Row[];
  const steps = db.prepare(
    `SELECT s.* FROM run_machines m JOIN step_results s ON s.run_id = m.run_id AND s.machine = m.machine WHERE m.machine = ? ORDER BY s.run_id, s.seq`,
  ).all(machine) as Row[];
  return {
    attempts: attempts.map((r) => ({
      ...toRunMachineRecord(r), mode: r.run_mode as RunMode, runStartedAt: String(r.run_started_at), who: String(r.run_who), commandLine: String(r.run_command_line), runOutcome: (r.run_outcome ?? null) as RunOutcome | null,
    })),
    steps: steps.map(toStepRecord),
  };
}

export function unfinishedRuns(db: Database.Database): UnfinishedRun[] {
  const rows = db.prepare(
    `SELECT r.*,
       (SELECT count(*) FROM run_machines m WHERE m.run_id = r.id AND m.status NOT IN ${UNFINISHED_IN}) AS done_count,
       (SELECT max(finished_at) FROM run_machines m WHERE m.run_id = r.id) AS last_result_at,
       (SELECT count(*) FROM leases l WHERE l.run_id = r.id AND l.expires_at >= @now) AS live_leases
     FROM runs r WHERE r.finished_at IS NULL ORDER BY r.started_at DESC, r.id DESC`,
  ).all({ now: new Date().toISOString() }) as Row[];
  return rows.map((r) => ({
    ...toRunRecord(r), done: Number(r.done_count), lastResultAt: r.last_result_at === null ? null : String(r.last_result_at), liveLeases: Number(r.live_leases),
  }));
}

export function journalCounts(db: Database.Database): JournalCounts {
  const n = (table: string): number => Number((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as Row).n);
  return { runs: n('runs'), runMachines: n('run_machines'), steps: n('step_results'), cases: n('cases'), machineStates: n('machine_state') };
}
