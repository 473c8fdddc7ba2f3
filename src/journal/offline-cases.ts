/**
 * The case of a PC keep has not seen for days (homeshift.yaml keep.offlineCaseAfter): its own class, `offline`,
 * routed like any case so that it lands with the site's supporters ("call the colleague"), with no attempts and no
 * run. It closes when the PC answers a probe again; a run that then fails opens the failure's case in its place
 * (nextCase). The same rules for both stores, which only read and write the rows.
 */
import type { CaseContext, CaseEvent, CaseRecord, MachineRecord, PresenceUpdate } from './store.js';

export const OFFLINE_CLASS = 'offline';
export const OFFLINE_FINGERPRINT = 'offline:not-seen';

/** A PC not seen for longer than keep.offlineCaseAfter: since when, when keep noticed, and what its case says. */
export interface NotSeenPc {
  machine: string;
  site: string;
  since: string; // ISO; its first unanswered probe since it was last seen
  at: string; // ISO; the sweep that found it
  message: string; // "not seen for 4 working days (since 2026-12-01 09:12)"
}

/** The offline cases keep asks recordPresence to open, and how to route them. */
export interface OfflineCaseRequest {
  notSeen: NotSeenPc[];
  context: CaseContext;
}

/** The machines whose offline case recordPresence opened, and those whose offline case it closed (seen again). */
export interface OfflineCaseChanges {
  opened: string[];
  closed: string[];
}

export function isOpenOfflineCase(c: CaseRecord | null | undefined): boolean {
  return c?.status === 'open' && c.errorClass === OFFLINE_CLASS;
}

function opened(existing: CaseRecord | null, pc: NotSeenPc, context: CaseContext): CaseRecord | null {
  if (existing?.status === 'open') return null; // one case per PC: a PC with any open case keeps that one
  const record: MachineRecord = {
    result: {
      machine: pc.machine, site: pc.site, status: 'unreachable', errorClass: OFFLINE_CLASS, message: pc.message, fingerprint: OFFLINE_FINGERPRINT,
      attempts: 0, startedAt: pc.since, finishedAt: pc.at, durationMs: 0, planHash: '', steps: [],
    },
    wave: 1,
    fingerprint: OFFLINE_FINGERPRINT,
  };
  const route = context.route(record);
  return {
    machine: pc.machine, site: pc.site, status: 'open', errorClass: OFFLINE_CLASS, fingerprint: OFFLINE_FINGERPRINT, message: pc.message,
    firstFailed: pc.since, lastAttempt: pc.at, lastRun: null, attempts: 0, owner: route.owner,
    dueAt: route.dueInMs === null ? null : new Date(Date.parse(pc.at) + route.dueInMs).toISOString(),
    escalatedAt: null, closedAt: null, closedByRun: null,
  };
}

/**
 * What one presence batch does to the cases it touches (`cases`: the current case of each machine named in
 * `updates` and `notSeen`): a PC seen again closes its offline case; a PC not seen for too long without an open case
 * gets one. Returns the rows to write, their history, and which machines changed.
 */
export function offlineCaseChanges(cases: Map<string, CaseRecord>, updates: PresenceUpdate[], request: OfflineCaseRequest | undefined): OfflineCaseChanges & { rows: CaseRecord[]; events: CaseEvent[] } {
  const out = { opened: [] as string[], closed: [] as string[], rows: [] as CaseRecord[], events: [] as CaseEvent[] };
  const base = { text: null, runId: null, who: null };
  for (const u of updates) {
    const existing = cases.get(u.machine);
    if (!u.seen || !existing || !isOpenOfflineCase(existing)) continue;
    out.rows.push({ ...existing, status: 'closed', closedAt: u.at, closedByRun: null, lastAttempt: u.at });
    out.events.push({ ...base, machine: u.machine, at: u.at, kind: 'closed', owner: null });
    out.closed.push(u.machine);
  }
  const seen = new Set(updates.filter((u) => u.seen).map((u) => u.machine));
  for (const pc of request?.notSeen ?? []) {
    if (seen.has(pc.machine) || out.opened.includes(pc.machine)) continue;
    const next = opened(cases.get(pc.machine) ?? null, pc, request!.context);
    if (!next) continue;
    out.rows.push(next);
    out.events.push({ ...base, machine: pc.machine, at: pc.at, kind: 'opened', owner: next.owner });
    out.opened.push(pc.machine);
  }
  return out;
}

/** The machines a presence batch may change the case of. */
export function machinesOf(updates: PresenceUpdate[], request: OfflineCaseRequest | undefined): string[] {
  return [...new Set([...updates.filter((u) => u.seen).map((u) => u.machine), ...(request?.notSeen ?? []).map((pc) => pc.machine)])];
}
