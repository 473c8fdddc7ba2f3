import { fingerprintMessage } from '../model/fingerprint.js';
import { isFailedStatus, type MachineResult, type RunEvent, type RunListener, type StepResult } from '../model/result.js';
import type { AppliedUpdate } from '../model/applied-state.js';
import { complianceOf } from './compliance.js';
import type { CaseRoute, ComplianceUpdate, JournalStore, MachineRecord } from './store.js';

export type Redact = (text: string) => string;

export interface JournalWriterOptions {
  runId: string;
  batchSize?: number; // results per transaction (default 100)
  flushMs?: number; // longest a result waits in the buffer (default 250)
  redact?: Redact; // applied to every message and tail before it is written
  route?: (record: MachineRecord) => CaseRoute; // who owns a newly opened case (default: nobody)
  escalateAfterAttempts?: number | null; // store escalated_at when a case reaches this many failed attempts
  tailChars?: number; // longest stdout/stderr tail kept (default 8000, the end is kept)
  onError?: (err: Error) => void; // a failed write; close() also rejects with the first one
  applied?: (result: MachineResult) => AppliedUpdate | null; // what an apply result put on its PC (not given for check runs)
}

/** A RunListener that records machine results in batched transactions. Await close() before reporting. */
export interface JournalWriter extends RunListener {
  flush(): Promise<void>;
  close(): Promise<void>;
}

function keepTail(text: string, max: number): string {
  return text.length > max ? text.slice(text.length - max) : text;
}

/** The result as it may be stored: redacted, tails bounded, fingerprinted from the redacted message. */
export function prepareRecord(result: MachineResult, wave: number, redact: Redact, tailChars: number): MachineRecord {
  const clean = (t: string | null): string | null => (t === null ? null : redact(t));
  const steps: StepResult[] = result.steps.map((s) => ({
    ...s,
    message: clean(s.message),
    stdoutTail: keepTail(redact(s.stdoutTail), tailChars),
    stderrTail: keepTail(redact(s.stderrTail), tailChars),
  }));
  const message = clean(result.message);
  const failing = isFailedStatus(result.status);
  const failedStep = steps.find((s) => isFailedStatus(s.status))?.step ?? null;
  const fingerprint = failing || result.errorClass ? fingerprintMessage(result.errorClass, message, failedStep) : null;
  return { result: { ...result, message, steps, fingerprint }, wave, fingerprint };
}

export function createJournalWriter(store: JournalStore, options: JournalWriterOptions): JournalWriter {
  const { runId } = options;
  const batchSize = Math.max(1, options.batchSize ?? 100);
  const flushMs = options.flushMs ?? 250;
  const redact = options.redact ?? ((t: string) => t);
  const tailChars = options.tailChars ?? 8000;
  const context = { route: options.route ?? (() => ({ owner: null, dueInMs: null })), escalateAfterAttempts: options.escalateAfterAttempts ?? null };
  let buffer: MachineRecord[] = [];
  let timer: NodeJS.Timeout | null = null;
  let chain: Promise<void> = Promise.resolve();
  let firstError: Error | null = null;
  let leftPending = 0; // machines of this run another run held: not recorded, so the run stays resumable

  // Writes run one after another in event order; a failure is kept, reported and does not stop later writes.
  const enqueue = (work: () => Promise<void>): Promise<void> => {
    chain = chain.then(work).catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      firstError ??= error;
      options.onError?.(error);
    });
    return chain;
  };

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (buffer.length > 0) {
      const batch = buffer;
      buffer = [];
      // then what the batch's checks say about compliance (a check run may open or close a case with it)
      const compliance = batch.map(complianceOf).filter((u): u is ComplianceUpdate => u !== null);
      const applied = options.applied ? batch.map((r) => options.applied!(r.result)).filter((u): u is AppliedUpdate => u !== null) : [];
      enqueue(async () => {
        await store.recordResults(runId, batch, context);
        if (compliance.length > 0) await store.recordCompliance(runId, compliance, context);
        if (applied.length > 0) await store.recordApplied(applied);
      });
    }
    return chain;
  };

  const finish = (event: Extract<RunEvent, { kind: 'run-finished' | 'run-interrupted' }>): void => {
    flush();
    // An interrupted or halted run keeps finished_at empty so that `rollout --resume` finds it.
    // So does a run that left machines pending because another run held them (busy, or its lease was lost).
    if (event.kind === 'run-interrupted') enqueue(() => store.finishRun(runId, 'interrupted', null));
    else enqueue(() => store.finishRun(runId, event.outcome, event.outcome === 'interrupted' || event.outcome === 'halted' || leftPending > 0 ? null : event.at));
  };

  const listener = (event: RunEvent): void => {
    switch (event.kind) {
      case 'machine-finished':
        // Not recorded: a busy machine was never contacted, and a lost lease means another run owns the machine's
        // journal rows now; both stay pending for this run.
        if (event.result.status === 'busy' || event.leaseLost) {
          leftPending++;
          break;
        }
        buffer.push(prepareRecord(event.result, event.wave, redact, tailChars));
        if (buffer.length >= batchSize) flush();
        else timer ??= setTimeout(flush, flushMs);
        break;
      case 'run-halted':
      case 'wave-finished':
        flush();
        break;
      case 'run-interrupted':
      case 'run-finished':
        finish(event);
        break;
      default:
        break;
    }
  };

  return Object.assign(listener, {
    flush,
    async close(): Promise<void> {
      await flush();
      if (firstError) throw firstError;
    },
  });
}
