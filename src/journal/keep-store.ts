import type { OfflineCaseChanges, OfflineCaseRequest } from './offline-cases.js';
import type { CaseContext } from './store.js';

/** When a PC last answered a probe, or since when it has not (keep); offline is a state, not a failure. */
export interface PresenceRecord {
  machine: string;
  site: string;
  lastSeen: string | null; // ISO
  unseenSince: string | null; // first unanswered probe since it was last seen
  misses: number; // unanswered probes in a row
  nextProbeAt: string | null; // not probed again before (per-PC backoff)
}

/** A probe's outcome: seen resets the PC's misses; unseen counts one more and sets when to probe next. */
export interface PresenceUpdate {
  machine: string;
  site: string;
  seen: boolean;
  at: string;
  nextProbeAt: string | null;
}

/** A PC that keep and rerun leave alone until a date. */
export interface ParkRecord {
  machine: string;
  until: string; // ISO
  note: string | null;
  who: string;
  parkedAt: string;
}

/** A PC's standing with its profile's data-protection checks; a PC without a record is unknown (never checked). */
export interface ComplianceRecord {
  machine: string;
  site: string;
  state: 'compliant' | 'not-compliant';
  check: string | null; // not-compliant: the first check that failed (check:screen-lock)
  message: string | null; // not-compliant: what it said
  fingerprint: string | null;
  since: string; // ISO; when the PC entered this state
  checkedAt: string; // ISO; the newest run whose checks concluded
  runId: string; // that run
}

/** What one run's checks concluded on one PC: failing null means every check passed. */
export interface ComplianceUpdate {
  machine: string;
  site: string;
  at: string; // ISO
  failing: { check: string; message: string; fingerprint: string } | null;
}

/** What keep keeps in the journal: whom it saw and when, the parks, the PCs' compliance. */
export interface KeepStore {
  /** Keep probes' outcomes and, in the same transaction, open or close the offline cases (offline-cases.ts). */
  recordPresence(updates: PresenceUpdate[], offline?: OfflineCaseRequest): Promise<OfflineCaseChanges>;
  listPresence(): Promise<PresenceRecord[]>; // by machine
  parkMachine(park: ParkRecord): Promise<void>; // replaces an earlier park of the machine
  unparkMachine(machine: string): Promise<boolean>; // false: it was not parked
  listParks(): Promise<ParkRecord[]>; // by machine, expired ones included
  /** Keep what a run's checks concluded (one transaction); a check run also opens a case for a PC out of compliance
   *  without an open case, and closes a case a check caused when the PC complies again (compliance.ts). */
  recordCompliance(runId: string, updates: ComplianceUpdate[], context: CaseContext): Promise<void>;
  listCompliance(): Promise<ComplianceRecord[]>; // by machine
  /** Write copied compliance records, keeping for each machine the newer check (journal copy); returns how many were written. */
  importCompliance(records: ComplianceRecord[]): Promise<number>;
}
