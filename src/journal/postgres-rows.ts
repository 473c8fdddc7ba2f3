import pg from 'pg';
import type { MachineResult } from '../model/result.js';
import type { MachineRecord } from './store.js';

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
