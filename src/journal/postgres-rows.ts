import pg from 'pg';
import type { MachineResult } from '../model/result.js';
import type { CaseEvent, MachineRecord } from './store.js';

type Row = Record<string, unknown>;

const TIMESTAMPTZ = 1184;
const INT8 = 20;
const JSONB = 3802;
const NUMERIC = 1700;

/**
 * Values as the SQLite journal returns them, so both stores share one row mapping (sqlite-rows.ts): timestamps as
 * ISO strings (UTC, milliseconds), counts as numbers, jsonb as its text.
 */
export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === TIMESTAMPTZ) {
      const parse = pg.types.getTypeParser(TIMESTAMPTZ);
      return (text: string) => (parse(text) as Date).toISOString();
    }
    if (oid === INT8 || oid === NUMERIC) return (text: string) => Number(text);
    if (oid === JSONB) return (text: string) => text;
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** A finished machine as a run_machines row (for jsonb_populate_recordset). */
export function runMachineJson(runId: string, record: MachineRecord): Row {
  const r = record.result;
  return {
    run_id: runId, machine: r.machine, site: r.site, wave: record.wave, status: r.status, error_class: r.errorClass,
    message: r.message, fingerprint: record.fingerprint, attempts: r.attempts, started_at: r.startedAt,
    finished_at: r.finishedAt, duration_ms: Math.round(r.durationMs), plan_hash: r.planHash, reboot_required: r.rebootRequired === true,
  };
}

/** A machine's steps as step_results rows, numbered from 0. */
export function stepJson(runId: string, r: MachineResult): Row[] {
  return r.steps.map((s, seq) => ({
    run_id: runId, machine: r.machine, seq, step: s.step, status: s.status, error_class: s.errorClass, exit_code: s.exitCode,
    duration_ms: Math.round(s.durationMs), message: s.message, stdout_tail: s.stdoutTail, stderr_tail: s.stderrTail,
    reboot_required: s.rebootRequired === true,
  }));
}

export const UPSERT_CASES = `
  INSERT INTO cases SELECT * FROM jsonb_populate_recordset(NULL::cases, $1::jsonb)
  ON CONFLICT (machine) DO UPDATE SET site = excluded.site, status = excluded.status, error_class = excluded.error_class,
    fingerprint = excluded.fingerprint, message = excluded.message, first_failed = excluded.first_failed, last_attempt = excluded.last_attempt,
    last_run = excluded.last_run, attempts = excluded.attempts, owner = excluded.owner, due_at = excluded.due_at, escalated_at = excluded.escalated_at,
    closed_at = excluded.closed_at, closed_by_run = excluded.closed_by_run`;

// In the order given: the bigserial id keeps events of the same instant in the order they were written.
export const INSERT_EVENTS = `
  INSERT INTO case_events (machine, at, kind, owner, text, run_id, who)
  SELECT machine, at, kind, owner, text, run_id, who FROM jsonb_populate_recordset(NULL::case_events, $1::jsonb) WITH ORDINALITY AS e ORDER BY ordinality`;

export function eventJson(e: CaseEvent): Row {
  return { machine: e.machine, at: e.at, kind: e.kind, owner: e.owner, text: e.text, run_id: e.runId, who: e.who };
}

/** Copied case history: the entries the journal does not hold yet, in their order. */
export const IMPORT_CASE_EVENTS = `INSERT INTO case_events (machine, at, kind, owner, text, run_id, who)
  SELECT e.machine, e.at, e.kind, e.owner, e.text, e.run_id, e.who
  FROM jsonb_populate_recordset(NULL::case_events, $1::jsonb) WITH ORDINALITY AS e
  WHERE NOT EXISTS (SELECT 1 FROM case_events c WHERE c.machine = e.machine AND c.at = e.at AND c.kind = e.kind
    AND c.owner IS NOT DISTINCT FROM e.owner AND c.text IS NOT DISTINCT FROM e.text
    AND c.run_id IS NOT DISTINCT FROM e.run_id AND c.who IS NOT DISTINCT FROM e.who)
  ORDER BY ordinality`;
