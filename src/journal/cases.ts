import { isFailedStatus, type MachineResult, type MachineStatus } from '../model/result.js';
import type { CaseContext, CaseEvent, CaseRecord, MachineRecord } from './store.js';

const SUCCEEDING: ReadonlySet<MachineStatus> = new Set(['ok', 'changed']);

export function isFailing(result: MachineResult): boolean {
  return isFailedStatus(result.status);
}

export function isSuccess(result: MachineResult): boolean {
  return SUCCEEDING.has(result.status);
}

/**
 * The case after one apply-mode result: a failure opens it or adds an attempt (keeping first_failed),
 * a success closes it. Returns null when the case does not change (interrupted, or success with no open case).
 */
export function nextCase(existing: CaseRecord | null, runId: string, record: MachineRecord, context: CaseContext): CaseRecord | null {
  const { result } = record;
  const at = result.finishedAt;
  if (isSuccess(result)) {
    if (!existing || existing.status !== 'open') return null;
    return { ...existing, status: 'closed', closedAt: at, closedByRun: runId, lastAttempt: at, lastRun: runId };
  }
  if (!isFailing(result)) return null;
  // an offline case (keep: not seen for days) gives way to the failure's own case: the PC was reached after all
  const reopened = !existing || existing.status !== 'open' || existing.errorClass === 'offline';
  const attempts = reopened ? 1 : existing.attempts + 1;
  // A case keeps its owner and due time while it stays open; only a new case is routed.
  const kept = reopened ? null : existing;
  const route = kept && kept.owner !== null ? null : context.route(record);
  const owner = kept?.owner ?? route?.owner ?? null;
  const dueAt = kept?.dueAt ?? (route?.dueInMs != null ? new Date(Date.parse(at) + route.dueInMs).toISOString() : null);
  const limit = context.escalateAfterAttempts;
  const previousEscalation = reopened ? null : existing.escalatedAt;
  return {
    machine: result.machine,
    site: result.site,
    status: 'open',
    errorClass: result.errorClass ?? 'internal',
    fingerprint: record.fingerprint,
    message: result.message,
    firstFailed: reopened ? at : existing.firstFailed,
    lastAttempt: at,
    lastRun: runId,
    attempts,
    owner,
    dueAt,
    escalatedAt: previousEscalation ?? (limit !== null && attempts >= limit ? at : null),
    closedAt: null,
    closedByRun: null,
  };
}

/** The history a run adds when it changes a case: opened (a new or reopened case) or closed; an offline case a failure replaces closes first. */
export function runCaseEvents(existing: CaseRecord | null, next: CaseRecord, runId: string): CaseEvent[] {
  const base = { machine: next.machine, text: null, runId, who: null };
  if (next.status === 'closed') return [{ ...base, at: next.closedAt ?? next.lastAttempt, kind: 'closed', owner: null }];
  const open = { ...base, at: next.firstFailed, kind: 'opened' as const, owner: next.owner };
  if (!existing || existing.status !== 'open') return [open];
  if (existing.errorClass === 'offline' && next.errorClass !== 'offline') return [{ ...base, at: next.firstFailed, kind: 'closed', owner: null }, open];
  return [];
}
