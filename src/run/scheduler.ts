import { setMaxListeners } from 'node:events';
import type { MachinePlan, Plan } from '../model/plan.js';
import type { MachineResult, MachineStatus, RunEvent, RunListener, RunMode, RunOutcome } from '../model/result.js';
import type { Transport } from '../transport/transport.js';
import { runMachine } from './machine-executor.js';
import type { Redactor } from './redact.js';
import { exceedsAtWaveEnd, exceedsDuringWave, makeThreshold, waveSizes, type Amount } from './waves.js';

export interface FleetRun {
  runId: string;
  plan: Pick<Plan, 'scripts'>;
  machines: MachinePlan[]; // the selection, in plan order
  transport: Transport;
  mode: RunMode;
  forks: number;
  waves: Amount[];
  maxFailures: Amount | null;
  secrets: Record<string, string>;
  redact: Redactor;
  projectRoot: string;
  retries: number;
  retryBackoffMs: number;
  listeners: RunListener[];
  softStop: AbortSignal; // first interrupt: start no more machines
  hardStop: AbortSignal; // second interrupt: end in-flight commands too
}

export interface FleetSummary {
  outcome: RunOutcome;
  counts: Record<MachineStatus, number>;
  started: number;
  notStarted: number;
}

const emptyCounts = (): Record<MachineStatus, number> => ({ ok: 0, changed: 0, 'would-change': 0, failed: 0, unreachable: 0, interrupted: 0 });
const now = () => new Date().toISOString();
const isFailure = (r: MachineResult) => r.status === 'failed' || r.status === 'unreachable';

/**
 * Runs machines in waves with at most `forks` at a time. Keeps no per-machine results: listeners (progress,
 * journal, logs) consume the events, so memory follows forks, not fleet size.
 */
export async function runFleet(run: FleetRun): Promise<FleetSummary> {
  const emit = (event: RunEvent) => {
    for (const listener of run.listeners) listener(event);
  };
  const total = run.machines.length;
  setMaxListeners(0, run.hardStop); // every in-flight machine listens for the second interrupt
  const sizes = waveSizes(run.waves, total);
  const threshold = makeThreshold(run.maxFailures, total);
  const counts = emptyCounts();
  let failed = 0;
  let done = 0;
  let started = 0;
  let halted = false;

  emit({ kind: 'run-started', runId: run.runId, mode: run.mode, total, waves: sizes, at: now() });
  let offset = 0;
  for (let w = 0; w < sizes.length && !halted && !run.softStop.aborted; w++) {
    const wave = run.machines.slice(offset, offset + sizes[w]);
    offset += sizes[w];
    emit({ kind: 'wave-started', wave: w + 1, size: wave.length, at: now() });
    let next = 0;
    let waveFailed = 0;
    const worker = async () => {
      while (next < wave.length && !halted && !run.softStop.aborted) {
        const plan = wave[next++];
        started++;
        emit({ kind: 'machine-started', machine: plan.machine.id, site: plan.machine.site, wave: w + 1, at: now() });
        const result = await runMachine(plan, {
          transport: run.transport,
          scripts: run.plan.scripts,
          mode: run.mode,
          secrets: run.secrets,
          redact: run.redact,
          projectRoot: run.projectRoot,
          retries: run.retries,
          retryBackoffMs: run.retryBackoffMs,
          hardStop: run.hardStop,
          onStep: (step) => emit({ kind: 'step-finished', machine: plan.machine.id, result: step, at: now() }),
        });
        counts[result.status]++;
        done++;
        if (isFailure(result)) { failed++; waveFailed++; }
        emit({ kind: 'machine-finished', result, wave: w + 1, at: now() });
        if (!halted && exceedsDuringWave(threshold, failed)) {
          halted = true;
          emit({ kind: 'run-halted', reason: `${failed} machines failed, more than the threshold of ${threshold.text}`, failed, threshold: threshold.limit, at: now() });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(run.forks, wave.length)) }, worker));
    emit({ kind: 'wave-finished', wave: w + 1, done: wave.length, failed: waveFailed, at: now() });
    if (!halted && offset < total && exceedsAtWaveEnd(threshold, failed, done)) {
      halted = true;
      emit({ kind: 'run-halted', reason: `${failed} of ${done} machines failed after wave ${w + 1}, more than the threshold of ${threshold.text}`, failed, threshold: threshold.limit, at: now() });
    }
  }
  const outcome: RunOutcome = run.softStop.aborted ? 'interrupted' : halted ? 'halted' : failed > 0 ? 'failed' : 'ok';
  emit({ kind: 'run-finished', outcome, counts, at: now() });
  return { outcome, counts, started, notStarted: total - started };
}
