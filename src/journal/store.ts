import type { AppliedStore } from './applied.js';
export type { ComplianceRecord, ComplianceUpdate, ParkRecord, PresenceRecord, PresenceUpdate } from './keep-store.js';
import type { ErrorClass, MachineResult, MachineStatus, RunMode, RunOutcome, StepStatus } from '../model/result.js';
import type { KeepStore } from './keep-store.js';

/** Raised for anything the journal cannot do; its message is meant for people (no stack trace needed). */
export class JournalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'JournalError';
  }
}

/** A run_machines status: a machine's final status in a run, or pending until it finishes. */
export type RunMachineStatus = MachineStatus | 'pending';

export interface NewRun {
  id: string;
  mode: RunMode;
  startedAt: string; // ISO
  commandLine: string;
  planHash: string;
  selector: string | null;
  who?: string; // os user@host; the store fills it in when absent
}

export interface RunRecord extends Required<NewRun> {
  finishedAt: string | null;
  outcome: RunOutcome | null;
  total: number;
  counts: Partial<Record<RunMachineStatus, number>>;
}

/** A machine a run is going to touch: written as 'pending' when the run starts. */
export interface PlannedMachine {
  machine: string;
  site: string;
  wave: number;
  planHash: string;
}

/** One finished machine, already redacted and fingerprinted by the writer. */
export interface MachineRecord {
  result: MachineResult;
  wave: number;
  fingerprint: string | null;
}

/** Who owns a newly opened case and how soon it is due (null: no reaction time). */
export interface CaseRoute {
  owner: string | null;
  dueInMs: number | null;
}

/** What the store needs to keep cases while it records a batch. */
export interface CaseContext {
  route: (record: MachineRecord) => CaseRoute; // asked once per newly opened case
  escalateAfterAttempts: number | null; // store escalated_at when an attempt reaches this many; null: never
}

export interface RunMachineRecord {
  runId: string;
  machine: string;
  site: string;
  wave: number;
  status: RunMachineStatus;
  errorClass: ErrorClass | null;
  message: string | null;
  fingerprint: string | null;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  planHash: string;
  rebootRequired?: true; // done, waiting for the PC to restart
}

/** A PC that waits for a reboot: since when (its result's finish), and the run that asked. */
/** A PC whose newest result that reached it left a disturbing step for later; reason: that step's message. */
export interface DeferredRecord {
  machine: string;
  site: string;
  runId: string;
  since: string | null;
  planHash: string;
  reason: string | null; // "deferred: outside the window 18:00–07:00 Europe/Berlin", "deferred: user logged on"
}

export interface RebootPendingRecord {
  machine: string;
  site: string;
  runId: string;
  since: string | null;
}

export interface StepRecord {
  runId: string;
  machine: string;
  seq: number;
  step: string;
  status: StepStatus;
  errorClass: ErrorClass | null;
  exitCode: number | null;
  durationMs: number;
  message: string | null;
  stdoutTail: string;
  stderrTail: string;
  rebootRequired?: true;
}

export type CaseStatus = 'open' | 'closed';

export interface CaseRecord {
  machine: string;
  site: string;
  status: CaseStatus;
  errorClass: ErrorClass | null;
  fingerprint: string | null;
  message: string | null;
  firstFailed: string;
  lastAttempt: string;
  lastRun: string | null; // null: no run has tried the PC since the case opened (offline, opened by keep)
  attempts: number;
  owner: string | null;
  dueAt: string | null; // when the owner must have reacted: opened plus the routing rule's reactWithin
  escalatedAt: string | null;
  closedAt: string | null;
  closedByRun: string | null;
}

/** What happened to a case: opened (with its owner), closed (by a run), assigned to someone, a note, escalated (to whom). */
export type CaseEventKind = 'opened' | 'closed' | 'assigned' | 'note' | 'escalated';

export interface CaseEvent {
  machine: string;
  at: string; // ISO
  kind: CaseEventKind;
  owner: string | null; // opened, assigned: the owner from then on; escalated: who it escalated to
  text: string | null; // note: its text
  runId: string | null; // opened, closed: the run
  who: string | null; // assigned, note, escalated: os user@host of whoever did it (escalated: the command that noticed)
}

/** The two digests notify sends: an owner's open cases, a lead's (or second supporter's) escalated cases. */
export type DigestKind = 'owner' | 'escalation';

/** A case notify reported to a recipient, in the state it had then (see cases/delivery-state). */
export interface DeliveryRecord {
  recipient: string; // mail address, lower case
  digest: DigestKind;
  machine: string;
  state: string;
  deliveredAt: string; // ISO
}

export interface MachineStateRecord {
  machine: string;
  site: string;
  lastSuccessRun: string;
  lastSuccessPlanHash: string;
  lastSuccessAt: string;
}

/** Who works on a machine: the run and the controller process (os user@host, pid). */
export interface LeaseHolder { runId: string; who: string; pid: number }
/** A machine whose live lease another holder has. */
export interface HeldLease { machine: string; holder: LeaseHolder; takenAt: string; expiresAt: string } // ISO
export interface LeaseGrant { granted: string[]; busy: HeldLease[] }

export interface CaseFilter {
  status?: CaseStatus;
  site?: string;
  errorClass?: ErrorClass;
  lastRun?: string;
  machine?: string;
}

/** A machine status looks at: from the inventory (with its current plan hash, to find stale machines). */
export interface InventoryMachine {
  id: string;
  site: string;
  planHash?: string;
}

/** When an open case counts as escalated: stored escalation, this many attempts, first failed at or before a time, or past its due time. */
export interface EscalationRule {
  afterAttempts: number | null;
  firstFailedBy: string | null; // ISO; now minus escalateAfter
  now: string; // ISO; a case due at or before it is overdue
}

/** Per site: machines and how many of them are done, open, never tried, stale (succeeded on an older plan), escalated. */
export interface SiteCounts {
  site: string;
  machines: number;
  done: number;
  open: number;
  neverTried: number;
  unfinished: number; // never succeeded, and left pending or interrupted by a run that did not finish
  stale: number;
  escalated: number;
}

export interface SiteCountQuery {
  machines?: InventoryMachine[]; // without it: every machine the journal knows
  only?: boolean; // machines is a selection (--limit): open cases of other machines are not counted
  site?: string;
  escalation: EscalationRule;
}

/** Open cases of one cause (fingerprint). */
export interface CauseGroup {
  fingerprint: string;
  errorClass: ErrorClass | null; // of the group's first machine
  message: string | null; // of the group's first machine
  count: number;
  machines: string[]; // the first five, sorted
  sites: string[];
  owners: string[];
  escalated: number;
  overdue: number; // cases past their due time
  dueAt: string | null; // the earliest due time of the group's cases
  firstFailed: string; // the oldest case of the group
}

export interface CauseQuery {
  errorClass?: ErrorClass;
  site?: string;
  lastRun?: string;
  machines?: string[]; // only the cases of these machines (a --limit)
  escalation: EscalationRule;
}

/** Open cases right after one apply run: a point of the burn-down. */
export interface BurnDownPoint {
  runId: string;
  at: string; // when the run finished (or its last machine did; its start when nothing finished)
  open: number;
}

/** A machine's newest finished result, with the run it came from and, when it failed, its first failing step. */
export interface LastResultRecord extends RunMachineRecord {
  mode: RunMode;
  runStartedAt: string;
  failingStep: StepRecord | null;
}

/** One attempt of a machine: its row in a run, with the run's mode, start, invoker and command line. */
export interface AttemptRecord extends RunMachineRecord {
  mode: RunMode;
  runStartedAt: string;
  who: string;
  commandLine: string;
  runOutcome: RunOutcome | null; // halted: a pending row is a PC the halt kept from starting
}

/** Everything the journal holds about one machine's runs, oldest first. */
export interface MachineHistory {
  attempts: AttemptRecord[];
  steps: StepRecord[]; // every attempt's steps, by run then seq
}

/** A run that has not finished (in progress, interrupted or crashed) and how far it got. */
export interface UnfinishedRun extends RunRecord {
  done: number; // machines with a final result
  lastResultAt: string | null;
  liveLeases: number | null; // leases its processes hold now; null where the store keeps none
}

/** How many rows of each kind a journal holds (journal copy prints and compares them). */
export interface JournalCounts {
  runs: number;
  runMachines: number;
  steps: number;
  cases: number;
  machineStates: number;
}

/**
 * The journal: the only state shared between runs and reports. Asynchronous so that a
 * PostgreSQL store can implement it; every write method is one transaction.
 */
export interface JournalStore extends AppliedStore, KeepStore {
  readonly location: string;
  /** Insert the run (or reopen it for a resume) and a pending row for every planned machine not yet recorded. */
  startRun(run: NewRun, machines: PlannedMachine[]): Promise<void>;
  /** Record finished machines, their steps, cases and machine state: one transaction for the whole batch. */
  recordResults(runId: string, batch: MachineRecord[], context: CaseContext): Promise<void>;
  /** Set the outcome and the counts (from the recorded rows); finishedAt null leaves the run resumable. */
  finishRun(runId: string, outcome: RunOutcome, finishedAt: string | null): Promise<void>;
  getRun(runId: string): Promise<RunRecord | null>;
  listRuns(filter?: { mode?: RunMode; limit?: number }): Promise<RunRecord[]>; // newest first
  /** The newest apply run with pending machines that did not finish (or was interrupted). */
  findResumableRun(): Promise<RunRecord | null>;
  pendingMachines(runId: string): Promise<PlannedMachine[]>;
  /** status: per site counts, aggregated in the store. */
  countBySite(query: SiteCountQuery): Promise<SiteCounts[]>;
  /** errors --group: open cases grouped by cause, aggregated in the store. */
  groupOpenCases(query: CauseQuery): Promise<CauseGroup[]>;
  /** Open cases after each apply run, oldest run first. */
  burnDown(): Promise<BurnDownPoint[]>;
  /** The newest finished (not pending) result of every machine the journal knows, by machine. */
  lastResults(): Promise<LastResultRecord[]>;
  /** PCs whose newest apply result that reached them asked for a restart, by site and machine. */
  rebootPending(): Promise<RebootPendingRecord[]>;
  /** PCs whose newest apply result that reached them deferred a disturbing step, by site and machine. */
  listDeferred(): Promise<DeferredRecord[]>;
  /** log MACHINE: every attempt and step of one machine, in two queries. */
  machineHistory(machine: string): Promise<MachineHistory>;
  /** Runs without finished_at, newest first, with their progress. */
  unfinishedRuns(): Promise<UnfinishedRun[]>;
  /** Every step of one run, by machine then seq (journal copy). */
  listRunSteps(runId: string): Promise<StepRecord[]>;
  counts(): Promise<JournalCounts>;
  /** Write a run copied from another journal, in one transaction; false (and nothing written) when it is already here. */
  importRun(run: RunRecord, machines: RunMachineRecord[], steps: StepRecord[]): Promise<boolean>;
  /** Write copied cases and machine states, keeping for each machine the newer of this journal's and the copy's. */
  importCurrent(cases: CaseRecord[], states: MachineStateRecord[]): Promise<{ cases: number; machineStates: number }>;
  listRunMachines(filter: { runId?: string; machine?: string }): Promise<RunMachineRecord[]>; // oldest first
  listStepResults(runId: string, machine: string): Promise<StepRecord[]>;
  listCases(filter?: CaseFilter): Promise<CaseRecord[]>; // by machine
  listMachineStates(): Promise<MachineStateRecord[]>;
  /** A case's history, oldest first (ties in the order written). */
  caseEvents(machine?: string): Promise<CaseEvent[]>; // every machine's, by machine, when none is named (journal copy)
  /** Write copied case events that this journal does not hold yet; returns how many were written (journal copy). */
  importCaseEvents(events: CaseEvent[]): Promise<number>;
  /** Give an open case a new owner and record it; the case as it is now, or null when the machine has no open case. */
  assignCase(machine: string, owner: string, at: string, who: string): Promise<CaseRecord | null>;
  /** Record that a machine's open case escalated to `to` (escalated_at kept when already set); false without an open case. */
  escalateCase(machine: string, to: string | null, at: string, who: string): Promise<boolean>;
  /** Every case notify has reported, by recipient, digest and machine. */
  listDeliveries(): Promise<DeliveryRecord[]>;
  /** Keep what a sent message reported: one row per recipient, digest and machine, replacing the older state. */
  recordDeliveries(rows: DeliveryRecord[]): Promise<void>;
  /** Add a note to a machine's case (open or closed); false when the machine never had one. */
  noteCase(machine: string, text: string, at: string, who: string): Promise<boolean>;
  /** Take, in one transaction, the lease of each machine that is free, expired, or already held by exactly this
   *  holder (same runId, who AND pid); the others come back as busy. Expiry = now + ttlMs by the STORE's clock
   *  (PostgreSQL: the server's now(), so controllers' clocks don't matter). */
  acquireLeases(holder: LeaseHolder, machines: string[], ttlMs: number): Promise<LeaseGrant>;
  /** Extend this holder's leases; returns the machines whose lease it no longer holds (expired and taken over). */
  renewLeases(holder: LeaseHolder, machines: string[], ttlMs: number): Promise<string[]>;
  /** Give leases back; a lease held by another holder is left alone. recordResults also releases the leases of
   *  the machines it records (same transaction), when the record's run holds them. */
  releaseLeases(holder: LeaseHolder, machines: string[]): Promise<void>;
  /** Live (unexpired) leases, by machine; for status and for --wait-busy. */
  listLeases(): Promise<HeldLease[]>;
  /** Which of `machines` this run has already finished (a status other than pending or interrupted), in one query:
   *  a lease just taken on one of them goes back (another controller of the run got there first). */
  finishedInRun(runId: string, machines: string[]): Promise<string[]>;
  close(): Promise<void>;
}
