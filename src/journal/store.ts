import type { ErrorClass, MachineResult, MachineStatus, RunMode, RunOutcome, StepStatus } from '../model/result.js';

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

/** What the store needs to keep cases while it records a batch. */
export interface CaseContext {
  ownerForSite: (site: string) => string | null;
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
  lastRun: string;
  attempts: number;
  owner: string | null;
  escalatedAt: string | null;
  closedAt: string | null;
  closedByRun: string | null;
}

export interface MachineStateRecord {
  machine: string;
  site: string;
  lastSuccessRun: string;
  lastSuccessPlanHash: string;
  lastSuccessAt: string;
}

export interface CaseFilter {
  status?: CaseStatus;
  site?: string;
  errorClass?: ErrorClass;
  lastRun?: string;
  machine?: string;
}

/** Who works on a machine: the run and the controller process (os user@host, pid). */
export interface LeaseHolder { runId: string; who: string; pid: number }
/** A machine whose live lease another holder has. */
export interface HeldLease { machine: string; holder: LeaseHolder; takenAt: string; expiresAt: string } // ISO
export interface LeaseGrant { granted: string[]; busy: HeldLease[] }

/**
 * The journal: the only state shared between runs and reports. Asynchronous so that a
 * PostgreSQL store can implement it; every write method is one transaction.
 */
export interface JournalStore {
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
  listRunMachines(filter: { runId?: string; machine?: string }): Promise<RunMachineRecord[]>; // oldest first
  listStepResults(runId: string, machine: string): Promise<StepRecord[]>;
  listCases(filter?: CaseFilter): Promise<CaseRecord[]>; // by machine
  listMachineStates(): Promise<MachineStateRecord[]>;
  close(): Promise<void>;
}
