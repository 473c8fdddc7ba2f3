import { JournalError } from './store.js';
import type { CaseRecord, EscalationRule } from './store.js';

/** When an open case needs more than its owner: open longer than `after`, or this many failed attempts. */
export interface EscalationPolicy {
  after: string | null; // "2d", "36h", "90m", "1d12h"; null: never by age
  afterAttempts: number | null;
}

export const DEFAULT_ESCALATION: EscalationPolicy = { after: '2d', afterAttempts: 3 };

const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

/** "2d" -> ms; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const trimmed = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?\s*[wdhms]\s*)+$/.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)\s*([wdhms])/g)) total += Number(amount) * UNIT_MS[unit];
  return total;
}

function requireDuration(text: string): number {
  const ms = parseDuration(text);
  if (ms === null) throw new JournalError(`escalateAfter "${text}" is not a duration (examples: 2d, 36h, 1d12h)`);
  return ms;
}

/**
 * When the case escalated (stored, else computed from its attempts, its age or its due time at `now`), or null.
 * An offline case is no failure: no attempts, and being switched off for long is its cause, not a delay of its
 * owner; only a due time its routing rule gives it makes it escalate.
 */
export function escalatedAt(c: CaseRecord, policy: EscalationPolicy, now: Date): string | null {
  if (c.status !== 'open') return null;
  const candidates: number[] = [];
  const failure = c.errorClass !== 'offline';
  if (c.escalatedAt) candidates.push(Date.parse(c.escalatedAt));
  if (failure && policy.afterAttempts !== null && c.attempts >= policy.afterAttempts) candidates.push(Date.parse(c.lastAttempt));
  if (failure && policy.after !== null) {
    const due = Date.parse(c.firstFailed) + requireDuration(policy.after);
    if (due <= now.getTime()) candidates.push(due);
  }
  if (c.dueAt !== null && Date.parse(c.dueAt) <= now.getTime()) candidates.push(Date.parse(c.dueAt));
  return candidates.length ? new Date(Math.min(...candidates)).toISOString() : null;
}

/** An open case whose owner has not reacted by its due time. */
export function isOverdue(c: Pick<CaseRecord, 'status' | 'dueAt'>, now: Date): boolean {
  return c.status === 'open' && c.dueAt !== null && Date.parse(c.dueAt) <= now.getTime();
}

/** "3d 4h", "2h 5m", "40s": the age of a case for people. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const [d, h, m] = [Math.floor(s / 86400), Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60)];
  if (d > 0) return h ? `${d}d ${h}h` : `${d}d`;
  if (h > 0) return m ? `${h}h ${m}m` : `${h}h`;
  if (m > 0) return `${m}m`;
  return `${s}s`;
}

/** The policy at `now` as the stores apply it in SQL (the same rule as escalatedAt). */
export function escalationRule(policy: EscalationPolicy, now: Date): EscalationRule {
  const firstFailedBy = policy.after === null ? null : new Date(now.getTime() - requireDuration(policy.after)).toISOString();
  return { afterAttempts: policy.afterAttempts, firstFailedBy, now: now.toISOString() };
}
