import type { Pusher } from './push.js';
import { setMaxListeners } from 'node:events';
import type { MachinePlan, Plan } from '../model/plan.js';
import { describeHalt, isFailedStatus, type BusyGroup, type Halt, type MachineHolder, type MachineResult, type MachineStatus, type RunEvent, type RunListener, type RunMode, type RunOutcome } from '../model/result.js';
import type { Transport } from '../transport/transport.js';
import { runMachine } from './machine-executor.js';
import { describeHolder, unleased, type MachineLeases } from './machine-leases.js';
import type { Redactor } from './redact.js';
import type { Slots } from './slots.js';
import { exceedsAtWaveEnd, exceedsDuringWave, makeThreshold, type Amount } from './waves.js';

export interface FleetRun {
  runId: string;
  plan: Pick<Plan, 'scripts'>;
  waves: MachinePlan[][]; // the selection cut into waves (assignWaves), in plan order
  transport: Transport;
  mode: RunMode;
  forks: number;
  maxFailures: Amount | null; // of the PCs reached
  maxUnreachable?: Amount | null; // of the PCs tried; default: never halt for unreachable PCs
  secrets: Record<string, string>;
  redact: Redactor;
  projectRoot: string;
  pusher?: Pusher;
  retries: number;
  retryBackoffMs: number;
  listeners: RunListener[];
  softStop: AbortSignal; // first interrupt: start no more machines
  hardStop: AbortSignal; // second interrupt: end in-flight commands too
  leases?: MachineLeases; // default: every machine may be contacted
  waitBusy?: { pollMs: number }; // wait for machines leased elsewhere instead of reporting them busy
  slots?: Slots; // places shared with runs that overlap this one; at most `forks` of them are this run's
}

export interface FleetSummary {
  outcome: RunOutcome;
  counts: Record<MachineStatus, number>;
  started: number;
  notStarted: number;
  halt: Halt | null; // why the run halted (outcome 'halted'); its not-started PCs wait for rollout --resume
  busy: BusyGroup[];
  rebootRequired: string[]; // machines of this run that wait for a restart (msiexec 3010/1641), sorted
}

type Waiting = { plan: MachinePlan; holder: MachineHolder };

const emptyCounts = (): Record<MachineStatus, number> => ({ ok: 0, changed: 0, 'would-change': 0, failed: 0, unreachable: 0, interrupted: 0, busy: 0 });
const now = () => new Date().toISOString();

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(() => { signal.removeEventListener('abort', wake); done(); }, ms);
    const wake = () => { clearTimeout(timer); done(); };
    signal.addEventListener('abort', wake, { once: true });
  });

/** Busy machines grouped by holder, in the order the holders were met. */
function groupBusy(entries: { machine: string; holder: MachineHolder | null }[]): BusyGroup[] {
  const groups = new Map<string, BusyGroup>();
  for (const { machine, holder } of entries) {
    const key = holder ? `${holder.runId}\n${holder.who}\n${holder.pid}` : '';
    const group = groups.get(key) ?? { holder, machines: [] };
    group.machines.push(machine);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function busyResult(plan: MachinePlan, message: string): MachineResult {
  const at = now();
  return {
    machine: plan.machine.id, site: plan.machine.site, status: 'busy', errorClass: null, message, fingerprint: null, attempts: 0,
    startedAt: at, finishedAt: at, durationMs: 0, planHash: plan.hash, steps: [],
  };
}

/** A result whose lease went to another holder: interrupted for this run, whatever the PC answered. */
function lostResult(result: MachineResult): MachineResult {
  return { ...result, status: 'interrupted', errorClass: 'interrupted', message: `lease lost: another run took the machine over (${result.message ?? result.status})`, fingerprint: null };
}

/**
 * Runs machines in waves with at most `forks` at a time. Keeps no per-machine results: listeners (progress,
 * journal, logs) consume the events, so memory follows forks, not fleet size.
 */
export async function runFleet(run: FleetRun): Promise<FleetSummary> {
  let reported = 0; // machines with a result, contacted or not
  const emit = (event: RunEvent) => {
    if (event.kind === 'machine-finished') reported++;
    for (const listener of run.listeners) listener(event);
  };
  const leases = run.leases ?? unleased;
  const sizes = run.waves.map((w) => w.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  setMaxListeners(0, run.hardStop); // every in-flight machine listens for the second interrupt
  const threshold = makeThreshold(run.maxFailures, total);
  const unreachableThreshold = makeThreshold(run.maxUnreachable ?? null, total);
  const counts = emptyCounts();
  const busy: { machine: string; holder: MachineHolder | null }[] = [];
  let failed = 0; // PCs reached that failed: what --max-failures measures
  let reached = 0;
  let unreachable = 0;
  let done = 0; // finished machines that count for the thresholds (busy ones do not)
  let started = 0;
  const rebootRequired: string[] = [];
  let halt: Halt | null = null;
  const stopped = () => halt !== null || run.softStop.aborted;
  const haltFor = (wave: number, atWaveEnd: boolean): void => {
    const exceeds = atWaveEnd ? exceedsAtWaveEnd : (t: typeof threshold, n: number) => exceedsDuringWave(t, n);
    if (exceeds(threshold, failed, reached)) halt = { wave, by: 'failures', count: failed, of: reached, threshold: threshold.text };
    else if (exceeds(unreachableThreshold, unreachable, done)) halt = { wave, by: 'unreachable', count: unreachable, of: done, threshold: unreachableThreshold.text };
    else return;
    emit({ kind: 'run-halted', reason: describeHalt(halt), halt, failed: halt.count, threshold: halt.by === 'failures' ? threshold.limit : unreachableThreshold.limit, at: now() });
  };

  const work = async (plan: MachinePlan, wave: number, waiting: Waiting[]): Promise<{ failed: boolean }> => {
    const id = plan.machine.id;
    let take;
    try {
      take = await leases.take(id);
    } catch (err) {
      take = { granted: false as const, error: err as Error };
    }
    if ('error' in take) {
      const result = { ...busyResult(plan, `journal: cannot take the lease: ${take.error.message}`), status: 'interrupted' as const, errorClass: 'internal' as const };
      counts.interrupted++;
      emit({ kind: 'machine-finished', result, wave, at: now() });
      return { failed: false };
    }
    if (!take.granted) {
      if (run.waitBusy && take.holder) {
        waiting.push({ plan, holder: take.holder });
        return { failed: false };
      }
      counts.busy++;
      busy.push({ machine: id, holder: take.holder });
      emit({ kind: 'machine-finished', result: busyResult(plan, describeHolder(take.holder, run.runId)), wave, at: now() });
      return { failed: false };
    }
    started++;
    emit({ kind: 'machine-started', machine: id, site: plan.machine.site, wave, at: now() });
    const lost = leases.lost(id);
    let result = await runMachine(plan, {
      transport: run.transport,
      scripts: run.plan.scripts,
      mode: run.mode,
      secrets: run.secrets,
      redact: run.redact,
      projectRoot: run.projectRoot,
      pusher: run.pusher,
      retries: run.retries,
      retryBackoffMs: run.retryBackoffMs,
      hardStop: AbortSignal.any([run.hardStop, lost]),
      onStep: (step) => emit({ kind: 'step-finished', machine: id, result: step, at: now() }),
    });
    const held = (await leases.finish(id).catch(() => true)) && !lost.aborted;
    if (!held) result = lostResult(result);
    counts[result.status]++;
    if (result.rebootRequired && held) rebootRequired.push(id);
    done++;
    if (result.status === 'unreachable') unreachable++;
    else if (result.status !== 'interrupted') reached++;
    if (result.status === 'failed') failed++;
    emit({ kind: 'machine-finished', result, wave, at: now(), ...(held ? {} : { leaseLost: true as const }) });
    if (halt === null) haltFor(wave, false);
    return { failed: isFailedStatus(result.status) };
  };

  emit({ kind: 'run-started', runId: run.runId, mode: run.mode, total, waves: sizes, at: now() });
  let offset = 0;
  for (let w = 0; w < run.waves.length && !stopped(); w++) {
    offset += sizes[w];
    emit({ kind: 'wave-started', wave: w + 1, size: sizes[w], at: now() });
    let waveFailed = 0;
    let queue = run.waves[w];
    for (let round = 0; queue.length > 0 && !stopped(); round++) {
      if (round > 0) await sleep(run.waitBusy!.pollMs, run.softStop);
      const waiting: Waiting[] = [];
      let next = 0;
      const items = queue;
      const worker = async () => {
        while (next < items.length && !stopped()) {
          const item = items[next++];
          await run.slots?.take();
          try {
            if ((await work(item, w + 1, waiting)).failed) waveFailed++;
          } finally {
            run.slots?.give();
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, Math.min(run.forks, items.length)) }, worker));
      if (round === 0 ? waiting.length > 0 : waiting.length !== queue.length) { // 0: every machine waited for was taken
        emit({ kind: 'machines-waiting', wave: w + 1, machines: waiting.length, busy: groupBusy(waiting.map((x) => ({ machine: x.plan.machine.id, holder: x.holder }))), at: now() });
      }
      queue = waiting.map((x) => x.plan);
    }
    emit({ kind: 'wave-finished', wave: w + 1, done: sizes[w] - queue.length, failed: waveFailed, at: now() });
    if (halt === null && offset < total) haltFor(w + 1, true);
  }
  const anyFailed = counts.failed + counts.unreachable > 0;
  const outcome: RunOutcome = run.softStop.aborted ? 'interrupted' : halt ? 'halted' : anyFailed ? 'failed' : 'ok';
  const busyGroups = groupBusy(busy);
  rebootRequired.sort();
  emit({ kind: 'run-finished', outcome, counts, busy: busyGroups, ...(rebootRequired.length ? { rebootRequired } : {}), at: now() });
  return { outcome, counts, started, notStarted: total - reported, halt, busy: busyGroups, rebootRequired };
}
