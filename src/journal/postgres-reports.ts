import type pg from 'pg';
import { burnDownSql, FAILED_IN, toLastResult, UNFINISHED_IN, UNFINISHED_MACHINES } from './sqlite-reports.js';
import { toRunMachineRecord, toRunRecord, toStepRecord } from './sqlite-rows.js';
import type {
  BurnDownPoint, CauseGroup, CauseQuery, JournalCounts, LastResultRecord, MachineHistory, SiteCountQuery, SiteCounts, UnfinishedRun,
} from './store.js';
import type { ErrorClass, RunMode, RunOutcome } from '../model/result.js';

/** What reports ask the PostgreSQL journal: the SQLite journal's statements in PostgreSQL's dialect. */

type Row = Record<string, unknown>;
export type Query = (text: string, values?: unknown[]) => Promise<pg.QueryResult<Row>>;

// Text is sorted byte-wise, as SQLite and JavaScript do, whatever collation the database was created with.
const C = 'COLLATE "C"';

// an offline case (keep: not seen for days) escalates only past its due time, never by attempts or age (escalation.ts)
const escalated = (attempts: string, by: string, now: string): string =>
  `(c.escalated_at IS NOT NULL OR (c.error_class IS DISTINCT FROM 'offline' AND (c.attempts >= ${attempts}::integer OR c.first_failed <= ${by}::timestamptz)) OR c.due_at <= ${now}::timestamptz)`;

function knownMachines(withInventory: boolean): string {
  if (withInventory) {
    // one JSON text of [id, site, hash] rows: three text[] parameters cost the client more to encode than the query
    return `inventory AS MATERIALIZED (SELECT e ->> 0 AS machine, e ->> 1 AS site, e ->> 2 AS plan_hash FROM jsonb_array_elements($4::jsonb) e),
    known AS (
      SELECT machine, site, plan_hash FROM inventory
      UNION ALL
      SELECT machine, site, NULL FROM cases WHERE status = 'open' AND NOT $5::boolean AND machine NOT IN (SELECT machine FROM inventory))`;
  }
  return `known AS (
    SELECT machine, min(site ${C}) AS site, NULL::text AS plan_hash FROM (
      SELECT machine, site FROM run_machines UNION SELECT machine, site FROM machine_state UNION SELECT machine, site FROM cases WHERE status = 'open'
    ) u GROUP BY machine)`;
}

export async function countBySite(q: Query, query: SiteCountQuery): Promise<SiteCounts[]> {
  const params: unknown[] = [query.site ?? null, query.escalation.afterAttempts, query.escalation.firstFailedBy];
  if (query.machines) {
    params.push(JSON.stringify(query.machines.map((m) => [m.id, m.site, m.planHash ?? null])), query.only === true);
  }
  params.push(query.escalation.now);
  const now = `$${params.length}`;
  const { rows } = await q(`WITH ${knownMachines(query.machines !== undefined)}
    SELECT k.site AS site, count(*) AS machines,
      count(c.machine) AS open,
      count(*) FILTER (WHERE c.machine IS NOT NULL AND ${escalated('$2', '$3', now)}) AS escalated,
      count(*) FILTER (WHERE c.machine IS NULL AND s.machine IS NULL AND u.machine IS NULL) AS never_tried,
      count(*) FILTER (WHERE c.machine IS NULL AND s.machine IS NULL AND u.machine IS NOT NULL) AS unfinished,
      count(*) FILTER (WHERE c.machine IS NULL AND s.machine IS NOT NULL AND k.plan_hash IS NOT NULL AND k.plan_hash <> s.last_success_plan_hash) AS stale
    FROM known k
      LEFT JOIN cases c ON c.machine = k.machine AND c.status = 'open'
      LEFT JOIN machine_state s ON s.machine = k.machine
      LEFT JOIN ${UNFINISHED_MACHINES} u ON u.machine = k.machine
    WHERE ($1::text IS NULL OR k.site = $1)
    GROUP BY k.site`, params);
  return rows.map((r) => {
    const [machines, open, neverTried, unfinished, stale] = [r.machines, r.open, r.never_tried, r.unfinished, r.stale].map(Number);
    return { site: String(r.site), machines, open, neverTried, unfinished, stale, escalated: Number(r.escalated), done: machines - open - neverTried - unfinished - stale };
  });
}

const OPEN_CASES = `open_cases AS (
  SELECT c.*, coalesce(c.fingerprint, coalesce(c.error_class, 'error') || ':unknown') AS fp,
    CASE WHEN ${escalated('$4', '$5', '$7')} THEN 1 ELSE 0 END AS esc,
    CASE WHEN c.due_at <= $7::timestamptz THEN 1 ELSE 0 END AS late,
    row_number() OVER (PARTITION BY coalesce(c.fingerprint, coalesce(c.error_class, 'error') || ':unknown') ORDER BY c.machine ${C}) AS rn
  FROM cases c
  WHERE c.status = 'open' AND ($1::text IS NULL OR c.error_class = $1) AND ($2::text IS NULL OR c.site = $2) AND ($3::text IS NULL OR c.last_run = $3)
    AND ($6::text[] IS NULL OR c.machine = ANY($6::text[])))`;

export async function groupOpenCases(q: Query, query: CauseQuery): Promise<CauseGroup[]> {
  const params = [query.errorClass ?? null, query.site ?? null, query.lastRun ?? null, query.escalation.afterAttempts, query.escalation.firstFailedBy, query.machines ?? null, query.escalation.now];
  const { rows } = await q(`WITH ${OPEN_CASES}
    SELECT fp, count(*) AS n, sum(esc) AS escalated, sum(late) AS overdue, min(due_at) AS due_at, min(first_failed) AS first_failed,
      max(error_class) FILTER (WHERE rn = 1) AS error_class, max(message) FILTER (WHERE rn = 1) AS message,
      array_agg(machine ORDER BY machine ${C}) FILTER (WHERE rn <= 5) AS machines,
      array_agg(DISTINCT site ${C} ORDER BY site ${C}) AS sites,
      array_agg(DISTINCT owner ${C} ORDER BY owner ${C}) FILTER (WHERE owner IS NOT NULL) AS owners
    FROM open_cases GROUP BY fp`, params);
  return rows.map((g) => ({
    fingerprint: String(g.fp), errorClass: (g.error_class ?? null) as ErrorClass | null, message: (g.message ?? null) as string | null,
    count: Number(g.n), machines: (g.machines ?? []) as string[], sites: (g.sites ?? []) as string[], owners: (g.owners ?? []) as string[],
    escalated: Number(g.escalated), overdue: Number(g.overdue), dueAt: g.due_at == null ? null : String(g.due_at), firstFailed: String(g.first_failed),
  }));
}


export async function burnDown(q: Query): Promise<BurnDownPoint[]> {
  return (await q(burnDownSql(C))).rows.map((r) => ({ runId: String(r.run_id), at: String(r.at), open: Number(r.open) }));
}

const LAST_RESULTS = `
  SELECT x.*, s.seq AS f_seq, s.step AS f_step, s.status AS f_status, s.error_class AS f_error_class, s.exit_code AS f_exit_code,
    s.duration_ms AS f_duration_ms, s.message AS f_message, s.stdout_tail AS f_stdout_tail, s.stderr_tail AS f_stderr_tail
  FROM (
    SELECT DISTINCT ON (m.machine) m.*, r.mode AS run_mode, r.started_at AS run_started_at
    FROM run_machines m JOIN runs r ON r.id = m.run_id
    WHERE m.status <> 'pending'
    ORDER BY m.machine, r.started_at DESC, m.run_id DESC) x
  LEFT JOIN LATERAL (
    SELECT * FROM step_results f WHERE f.run_id = x.run_id AND f.machine = x.machine AND f.status IN (${FAILED_IN}) ORDER BY f.seq LIMIT 1
  ) s ON x.status IN (${FAILED_IN})
  ORDER BY x.machine ${C}`;

export async function lastResults(q: Query): Promise<LastResultRecord[]> {
  return (await q(LAST_RESULTS)).rows.map(toLastResult);
}

export async function machineHistory(q: Query, machine: string): Promise<MachineHistory> {
  const attempts = await q(
    `SELECT m.*, r.mode AS run_mode, r.started_at AS run_started_at, r.who AS run_who, r.command_line AS run_command_line, r.outcome AS run_outcome
     FROM run_machines m JOIN runs r ON r.id = m.run_id WHERE m.machine = $1
     ORDER BY r.started_at, m.run_id ${C}, coalesce(m.started_at, r.started_at)`,
    [machine],
  );
  const steps = await q(`SELECT * FROM step_results WHERE machine = $1 ORDER BY run_id ${C}, seq`, [machine]);
  return {
    attempts: attempts.rows.map((r) => ({
      ...toRunMachineRecord(r), mode: r.run_mode as RunMode, runStartedAt: String(r.run_started_at), who: String(r.run_who), commandLine: String(r.run_command_line), runOutcome: (r.run_outcome ?? null) as RunOutcome | null,
    })),
    steps: steps.rows.map(toStepRecord),
  };
}

export async function unfinishedRuns(q: Query): Promise<UnfinishedRun[]> {
  const { rows } = await q(
    `SELECT r.*,
       (SELECT count(*) FROM run_machines m WHERE m.run_id = r.id AND m.status NOT IN ${UNFINISHED_IN}) AS done_count,
       (SELECT max(finished_at) FROM run_machines m WHERE m.run_id = r.id) AS last_result_at,
       (SELECT count(*) FROM leases l WHERE l.run_id = r.id AND l.expires_at >= now()) AS live_leases
     FROM runs r WHERE r.finished_at IS NULL ORDER BY r.started_at DESC, r.id ${C} DESC`,
  );
  return rows.map((r) => ({
    ...toRunRecord(r), done: Number(r.done_count), lastResultAt: r.last_result_at === null ? null : String(r.last_result_at), liveLeases: Number(r.live_leases),
  }));
}

export async function journalCounts(q: Query): Promise<JournalCounts> {
  const { rows } = await q(`SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM run_machines) AS run_machines,
    (SELECT count(*) FROM step_results) AS steps, (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM machine_state) AS machine_states`);
  const r = rows[0];
  return { runs: Number(r.runs), runMachines: Number(r.run_machines), steps: Number(r.steps), cases: Number(r.cases), machineStates: Number(r.machine_states) };
}
