/**
 * Compliance: what a PC's data-protection checks (the plan's check:* steps) concluded, the state the journal keeps
 * for it, and the case a check run opens or closes. The same rules for both stores.
 */
import { fingerprintMessage } from '../model/fingerprint.js';
import type { StepResult } from '../model/result.js';
import { nextCase, runCaseEvents } from './cases.js';
import type { CaseContext, CaseEvent, CaseRecord, ComplianceRecord, ComplianceUpdate, MachineRecord } from './store.js';

/** The built-in data-protection checks are the steps whose id starts with this. */
export const CHECK_STEP_PREFIX = 'check:';

export function isCheckStep(step: string): boolean {
  return step.startsWith(CHECK_STEP_PREFIX);
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1)?.trim() ?? '';
}

/**
 * What one result says about compliance: every check passed (ok, or changed: fixed by this run), the first check
 * that did not (failed by its own verdict, or would change in a check run), or null when the result has no checks or
 * a check could not conclude (a timeout, a dropped connection, skipped): the state stays as it was.
 */
export function complianceOf(record: MachineRecord): ComplianceUpdate | null {
  const r = record.result;
  const checks = r.steps.filter((s) => isCheckStep(s.step));
  if (checks.length === 0) return null;
  const base = { machine: r.machine, site: r.site, at: r.finishedAt };
  for (const s of checks) {
    if (s.status === 'ok' || s.status === 'changed') continue;
    if (!isVerdict(s)) return null;
    const detail = s.message ?? (lastLine(s.stderrTail) || lastLine(s.stdoutTail) || 'not compliant');
    const message = `${s.step}: ${detail}`;
    return { ...base, failing: { check: s.step, message, fingerprint: fingerprintMessage('step-failed', message, s.step) } };
  }
  return { ...base, failing: null };
}

function isVerdict(s: StepResult): boolean {
  return s.status === 'would-change' || (s.status === 'failed' && s.errorClass === 'step-failed');
}

/** The record after an update: `since` is kept while the state and its failing check stay the same. */
export function nextCompliance(existing: ComplianceRecord | null, runId: string, u: ComplianceUpdate): ComplianceRecord {
  const state = u.failing ? 'not-compliant' : 'compliant';
  const check = u.failing?.check ?? null;
  const same = existing !== null && existing.state === state && existing.check === check;
  return {
    machine: u.machine,
    site: u.site,
    state,
    check,
    message: u.failing?.message ?? null,
    fingerprint: u.failing?.fingerprint ?? null,
    since: same ? existing.since : u.at,
    checkedAt: u.at,
    runId,
  };
}

/** An open case whose cause is a data-protection check (its message names the check step, as a failed step's does). */
export function isComplianceCase(c: CaseRecord): boolean {
  return c.status === 'open' && c.errorClass === 'step-failed' && (c.message ?? '').startsWith(CHECK_STEP_PREFIX);
}

/**
 * The case a check run's update changes: a PC that falls out of compliance (it was compliant, or has no record yet
 * but was rolled out: `wasCompliant`) and has no open case gets one (routed like any case, the check as its cause);
 * a compliant PC's open compliance case closes. Null: no change (an open case stays as it is, its attempts are
 * counted by the runs that try to fix it; a PC never rolled out is not out of compliance, only not done yet).
 */
export function complianceCase(existing: CaseRecord | null, runId: string, u: ComplianceUpdate, context: CaseContext, wasCompliant: boolean): { next: CaseRecord; events: CaseEvent[] } | null {
  if (u.failing) {
    if ((existing?.status === 'open' && existing.errorClass !== 'offline') || !wasCompliant) return null;
    const record: MachineRecord = {
      result: {
        machine: u.machine, site: u.site, status: 'failed', errorClass: 'step-failed', message: u.failing.message, fingerprint: u.failing.fingerprint,
        attempts: 1, startedAt: u.at, finishedAt: u.at, durationMs: 0, planHash: '', steps: [],
      },
      wave: 1,
      fingerprint: u.failing.fingerprint,
    };
    const next = nextCase(existing, runId, record, context);
    return next ? { next, events: runCaseEvents(existing, next, runId) } : null;
  }
  if (!existing || !isComplianceCase(existing)) return null;
  const next: CaseRecord = { ...existing, status: 'closed', closedAt: u.at, closedByRun: runId, lastAttempt: u.at, lastRun: runId };
  return { next, events: runCaseEvents(existing, next, runId) };
}

/** A compliance row of either store (timestamps already ISO strings). */
export function complianceRow(r: Record<string, unknown>): ComplianceRecord {
  const s = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    machine: String(r.machine), site: String(r.site), state: r.state as ComplianceRecord['state'], check: s(r.check_step), message: s(r.message),
    fingerprint: s(r.fingerprint), since: String(r.since), checkedAt: String(r.checked_at), runId: String(r.run_id),
  };
}

export function complianceParams(c: ComplianceRecord): Record<string, unknown> {
  return { machine: c.machine, site: c.site, state: c.state, check_step: c.check, message: c.message, fingerprint: c.fingerprint, since: c.since, checked_at: c.checkedAt, run_id: c.runId };
}
