import { isFailedStatus, type MachineResult, type MachineStatus } from '../model/result.js';
import type { CaseContext, CaseRecord, MachineRecord } from './store.js';

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
  const reopened = !existing || existing.status !== 'open';
  const attempts = reopened ? 1 : existing.attempts + 1;
  const owner = (reopened ? null : existing.owner) ?? context.ownerForSite(result.site);
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
    escalatedAt: previousEscalation ?? (limit !== null && attempts >= limit ? at : null),
    closedAt: null,
    closedByRun: null,
  };
}
