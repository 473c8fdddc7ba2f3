/**
 * A rollout as a whole: secrets, the run in the journal (new or resumed), waves, machine leases, the journal
 * writer and log files around the scheduler. Prints nothing and installs no process handlers: the caller passes
 * listeners and interrupt signals in and gets a summary back.
 */
import { DEFAULT_PUSH_FORKS, Pusher } from './push.js';
import { createJournalWriter, createLogFileWriter, createRunId, describeInvoker, type CaseContext, type JournalStore } from '../journal/index.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import type { SecretSource } from '../model/project.js';
import { appliedUpdateOf } from '../model/applied-state.js';
import type { MachineResult, RunListener, RunOutcome } from '../model/result.js';
import type { Transport } from '../transport/transport.js';
import { createLeaseKeeper, renewalPeriod } from './lease-keeper.js';
import { unleased } from './machine-leases.js';
import { createRedactor } from './redact.js';
import { runFleet, type FleetSummary } from './scheduler.js';
import { resolveSecrets } from './secrets.js';
import { assignWaves, type Amount } from './waves.js';
import type { Slots } from './slots.js';

export interface RolloutSettings {
  forks: number;
  waves: Amount[];
  maxFailures: Amount | null; // of the PCs reached
  maxUnreachable?: Amount | null; // of the PCs tried; default: unreachable PCs never halt a run
  retries: number;
  check: boolean;
  waitBusy: boolean; // wait for machines another run holds instead of reporting them busy
  pushForks?: number; // PCs receiving push sources' files at the same time (default DEFAULT_PUSH_FORKS)
}

export interface RolloutRequest {
  plan: Plan; // the selected machines, planned
  settings: RolloutSettings;
  store: JournalStore;
  transport: Transport;
  secretSources: Record<string, SecretSource>;
  projectRoot: string;
  cases: CaseContext;
  leaseTimeoutMs: number;
  logDir: string; // per-machine transcripts go to <logDir>/logs/<RUN>/
  commandLine: string;
  selector: string | null;
  resumeRunId?: string;
  retryBackoffMs?: number;
  slots?: Slots; // shared with runs that overlap this one (keep's sweeps)
}

/** What is about to happen, for the caller's confirmation and its progress view. */
export interface RolloutPreview {
  runId: string;
  plan: Plan;
  waves: MachinePlan[][];
}

export interface RolloutHooks {
  /** Asked after the secrets are read and before the journal or any PC is touched; false cancels. */
  confirm?: (preview: RolloutPreview) => Promise<boolean>;
  /** Progress views and other listeners of this run's events. */
  listeners?: (preview: RolloutPreview) => RunListener[];
  softStop?: AbortSignal; // start no more machines; its reason names the signal (e.g. 'SIGINT')
  hardStop?: AbortSignal; // end in-flight commands too
  onJournalError?: (err: Error) => void;
  onLogError?: (err: Error) => void;
}

export type RolloutOutcome = RunOutcome | 'cancelled';

export interface RolloutSummary extends Omit<FleetSummary, 'outcome'> {
  runId: string;
  outcome: RolloutOutcome;
}

const never = new AbortController().signal;

/** Runs the plan's machines; throws SecretError (nothing touched) when a secret cannot be read. */
export async function runRollout(req: RolloutRequest, hooks: RolloutHooks = {}): Promise<RolloutSummary> {
  const { plan, settings, store } = req;
  const secrets = resolveSecrets(req.secretSources, plan.machines.flatMap((m) => m.steps.flatMap((s) => s.secrets)), req.projectRoot);
  const runId = req.resumeRunId ?? createRunId();
  const waves = assignWaves(plan.machines, settings.waves);
  const preview: RolloutPreview = { runId, plan, waves };
  if (hooks.confirm && !(await hooks.confirm(preview))) {
    return { runId, outcome: 'cancelled', counts: { ok: 0, changed: 0, 'would-change': 0, failed: 0, unreachable: 0, interrupted: 0, busy: 0 }, started: 0, notStarted: plan.machines.length, halt: null, busy: [], rebootRequired: [] };
  }

  const mode = settings.check ? 'check' : 'apply';
  const who = describeInvoker();
  await store.startRun(
    { id: runId, mode, startedAt: new Date().toISOString(), commandLine: req.commandLine, planHash: plan.hash, selector: req.selector, who },
    waves.flatMap((wave, i) => wave.map((m) => ({ machine: m.machine.id, site: m.machine.site, wave: i + 1, planHash: m.hash }))),
  );
  const redact = createRedactor(secrets);
  const byId = new Map(plan.machines.map((m) => [m.machine.id, m]));
  const applied = mode === 'apply' ? (r: MachineResult) => { const m = byId.get(r.machine); return m ? appliedUpdateOf(m, plan.scripts, r, runId) : null; } : undefined;
  const writer = createJournalWriter(store, { runId, redact, route: req.cases.route, escalateAfterAttempts: req.cases.escalateAfterAttempts, onError: hooks.onJournalError, applied });
  const logs = createLogFileWriter(req.logDir, runId, redact);
  const listeners: RunListener[] = [writer, logs, ...(hooks.listeners?.(preview) ?? [])];
  // Check runs change nothing on a PC, so they take no leases and never make a rollout wait.
  const leases = mode === 'apply'
    ? createLeaseKeeper(store, { runId, who, pid: process.pid }, { ttlMs: req.leaseTimeoutMs, onError: hooks.onJournalError })
    : unleased;

  const softStop = hooks.softStop ?? never;
  const onSoftStop = () => {
    const event = { kind: 'run-interrupted' as const, signal: String(softStop.reason ?? 'abort'), at: new Date().toISOString() };
    for (const l of listeners) l(event);
  };
  softStop.addEventListener('abort', onSoftStop, { once: true });
  try {
    const summary = await runFleet({
      runId, plan, waves, transport: req.transport, mode, forks: settings.forks, maxFailures: settings.maxFailures, maxUnreachable: settings.maxUnreachable,
      secrets, redact, projectRoot: req.projectRoot, pusher: new Pusher(req.projectRoot, settings.pushForks ?? DEFAULT_PUSH_FORKS), retries: settings.retries, retryBackoffMs: req.retryBackoffMs ?? 1000,
      listeners, softStop, hardStop: hooks.hardStop ?? never, leases,
      waitBusy: settings.waitBusy ? { pollMs: Math.min(2000, renewalPeriod(req.leaseTimeoutMs)) } : undefined,
      slots: req.slots,
    });
    return { ...summary, runId };
  } finally {
    softStop.removeEventListener('abort', onSoftStop);
    await writer.close().catch((err: Error) => hooks.onJournalError?.(err));
    await leases.close(); // after the writer: a lease outlives its machine until the result is recorded
    await logs.close().catch((err: Error) => hooks.onLogError?.(err));
  }
}
