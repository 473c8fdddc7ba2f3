import { Command, Option } from 'commander';
import type { Machine } from '../model/project.js';
import type { RunListener } from '../model/result.js';
import { buildPlan } from '../plan/index.js';
import { complianceIntervals } from '../run/compliance-due.js';
import { withRebootSteps } from '../plan/reboot-step.js';
import { withRemovals } from './removals.js';
import { createDisturbGate } from '../run/disturb-gate.js';
import { keepSweep, type SweepSummary } from '../run/keep.js';
import { Slots } from '../run/slots.js';
import { DEFAULT_LEASE_TIMEOUT_MS } from '../run/machine-leases.js';
import { SecretError } from '../run/secrets.js';
import { createSshTransport } from '../transport/index.js';
import { EXIT, inputError, setExit, usageError } from './exit.js';
import { caseContextOf, logFolderOf, recordCaseEscalations, withJournal } from './journal.js';
import { createOutput, type Output } from './output.js';
import { createJsonProgress, createPlainProgress } from './progress-plain.js';
import { globalOptions, requireValidPlan } from './project.js';
import { addLimitOption, selectFromProject } from './select.js';

interface KeepFlags {
  limit?: string;
  every: string;
  once?: boolean;
  forks: string;
  maxFailures?: string;
  probeTimeout: string;
  backoffCap: string;
  format?: string;
  now?: string;
}

/** 15s, 5m, 1h, 0s. */
export function parseInterval(text: string, what: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!m) throw usageError(`${what} must be a time such as 30s, 5m or 1h, not "${text}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

export function describeSweep(n: number, s: SweepSummary): string {
  const due = Object.entries(s.due).filter(([, c]) => c > 0).map(([k, c]) => `${c} ${k}`).join(', ') || 'nothing';
  const parts = [`sweep ${n}: due ${due}`, `${s.seen.length} answered`, `${s.unseen.length} not seen`];
  if (s.waiting.length > 0) parts.push(`${s.waiting.length} waiting (backoff)`);
  if (s.running.length > 0) parts.push(`${s.running.length} still running`);
  if (s.parked.length > 0) parts.push(`${s.parked.length} parked`);
  if (s.deferred.length > 0) parts.push(`${s.deferred.length} deferred (${[...new Set(s.deferred.map((d) => d.reason))].join('; ')})`);
  if (s.offline.opened.length > 0) parts.push(`offline case for ${s.offline.opened.join(', ')}`);
  if (s.offline.closed.length > 0) parts.push(`seen again: ${s.offline.closed.join(', ')}`);
  if (s.run) parts.push(`run ${s.run.runId}: ${Object.entries(s.run.counts).filter(([, c]) => c > 0).map(([k, c]) => `${c} ${k}`).join(', ') || 'nothing'}`);
  if (s.checked) parts.push(`checks ${s.checked.runId}: ${Object.entries(s.checked.counts).filter(([, c]) => c > 0).map(([k, c]) => `${c} ${k}`).join(', ') || 'nothing'}`);
  return parts.join('; ');
}

/** Sleep until `ms` have passed or `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const timer = setTimeout(() => { signal.removeEventListener('abort', wake); done(); }, ms);
    const wake = () => { clearTimeout(timer); done(); };
    signal.addEventListener('abort', wake, { once: true });
  });
}

export function registerKeep(program: Command): void {
  addLimitOption(program
    .command('keep')
    .description('converge PCs as they come online: each sweep probes the PCs that need work and runs those that answer'))
    .option('--every <time>', 'time between sweeps', '5m')
    .option('--once', 'one sweep, then exit (for cron and CI)')
    .option('-f, --forks <n>', 'machines worked on at the same time', '20')
    .option('--max-failures <amount>', 'halt a sweep when more of its machines failed than this count or share')
    .option('--probe-timeout <time>', 'how long a probe waits for the SSH banner', '3s')
    .option('--backoff-cap <time>', 'the longest a PC that did not answer waits for its next probe', '30m')
    .addOption(new Option('--format <format>', 'text: a line per sweep; json: one JSON object per line').choices(['text', 'json']))
    .addOption(new Option('--now <time>', 'the time the windows of time are judged at (ISO 8601), for trials and tests').hideHelp())
    .addHelpText('after', `
A PC is due when it has an open case, was never tried, its plan changed since its last success (stale),
a disturbing step was deferred, it waits for a reboot, or its profile's compliance.every has passed since
its checks last ran (compliance-due: only the checks run, read-only; a PC out of compliance gets a case).
A PC that does not answer is "not seen since" in the journal, not a failure: its attempts stay, it does
not escalate, and it is probed again with backoff. After keep.offlineCaseAfter in homeshift.yaml (default
3 working days) it gets an offline case for its site's supporters (call the colleague), which closes when
it answers again. Parked PCs (homeshift case park) are left alone until their date. Where homeshift.yaml
gives a site a window of time (disturb:), installs that need a restart and the restart itself run only
inside it and, unless whenLoggedOn: true, with nobody logged on; the rest of the PC's work runs any time.
A sweep runs the PCs that answered while the next sweeps go on probing, all runs together within --forks.
Ctrl-C or SIGTERM: the PCs in flight finish, nothing new starts, exit 0.

Examples:
  $ homeshift keep --every 5m
  $ homeshift keep --once --limit site=bruehl`)
    .action(async (opts: KeepFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const everyMs = parseInterval(opts.every, '--every');
      const probeTimeoutMs = parseInterval(opts.probeTimeout, '--probe-timeout');
      const capMs = parseInterval(opts.backoffCap, '--backoff-cap');
      if (!/^\d+$/.test(opts.forks) || Number(opts.forks) < 1) throw usageError(`--forks must be a whole number of at least 1, not "${opts.forks}"`);
      const { parseAmount, OptionError } = await import('../run/waves.js');
      let maxFailures = null;
      try {
        maxFailures = opts.maxFailures === undefined ? null : parseAmount(opts.maxFailures, '--max-failures');
      } catch (err) {
        throw err instanceof OptionError ? usageError(err.message) : err;
      }
      const json = opts.format === 'json';
      const clock = opts.now === undefined ? () => new Date() : fixedClock(opts.now);
      const { project, plan } = await requireValidPlan(g, out);
      const machines = await selectFromProject(project, opts.limit);
      const byId = new Map<string, Machine>(machines.map((m) => [m.id, m]));
      const fullPlan = buildPlan(project, { machines, from: plan ?? undefined });
      const complianceEvery = complianceIntervals(project);
      const soft = new AbortController();
      const hard = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => (soft.signal.aborted ? hard.abort(signal) : soft.abort(signal));
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        await withJournal(project, true, async (store) => {
          const transport = createSshTransport();
          const slots = new Slots(Number(opts.forks));
          const inFlight = new Set<string>();
          const sweeps = new Set<Promise<void>>();
          let failure: unknown = null;
          // A sweep's run goes on while the next sweeps probe: a PC that comes online is run one interval later at
          // most, not after every PC of an earlier run is done. The slots keep all runs together within --forks.
          for (let n = 1; !soft.signal.aborted && failure === null; n++) {
            const listeners = (): RunListener[] => [json ? createJsonProgress((l) => out.out(l)) : createPlainProgress(out)];
            let probed!: () => void;
            const probesIn = new Promise<void>((done) => { probed = done; });
            let mine: readonly string[] = [];
            const sweep: Promise<void> = keepSweep({
              fullPlan, subPlan: (picked) => buildPlan(project, { machines: picked.map((m) => byId.get(m.machine.id)!), from: plan ?? undefined }),
              settings: { forks: Number(opts.forks), waves: [{ percent: 100 }], maxFailures, retries: 0, check: false, waitBusy: false },
              store, transport, secretSources: project.config.secrets, projectRoot: project.root, cases: await caseContextOf(project, store),
              leaseTimeoutMs: project.config.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS, logDir: logFolderOf(project),
              commandLine: ['homeshift', ...process.argv.slice(2)].join(' '), selector: opts.limit ?? null,
              probeTimeoutMs, backoff: { baseMs: everyMs, capMs }, complianceEvery, offlineCaseAfter: project.config.keep?.offlineCaseAfter, slots, inFlight, now: clock,
              disturb: { gate: createDisturbGate(project.config.disturb), addReboots: (p, wanted, pending) => withRebootSteps(project, p, wanted, pending) },
              removals: (p) => withRemovals(project, store, p),
              onProbed: (seen) => { mine = seen; for (const id of seen) inFlight.add(id); probed(); },
            }, { listeners, softStop: soft.signal, hardStop: hard.signal, onJournalError: (err) => out.err(`journal: ${err.message}`), onLogError: (err) => out.err(`logs: ${err.message}`) })
              .then(async (summary) => {
                if (summary.run || summary.checked) await recordCaseEscalations(project, store, new Date()).catch((err: Error) => out.err(`journal: escalations not recorded: ${err.message}`));
                report(out, json, n, summary);
              })
              .catch((err: unknown) => { failure ??= err; })
              .finally(() => { for (const id of mine) inFlight.delete(id); sweeps.delete(sweep); probed(); });
            sweeps.add(sweep);
            await (opts.once ? sweep : probesIn); // the next sweep must see this one's PCs in flight
            if (opts.once) break;
            await pause(everyMs, soft.signal);
          }
          await Promise.all([...sweeps]);
          if (failure !== null) throw failure;
        });
      } catch (err) {
        if (err instanceof SecretError) throw inputError(`${err.message}\nnothing was touched`);
        throw err;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      if (soft.signal.aborted) out.err(`keep: stopped (${String(soft.signal.reason)}); the PCs in flight were finished`);
      setExit(EXIT.ok);
    });
}

function fixedClock(text: string): () => Date {
  const at = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(at.getTime())) throw usageError(`--now must be a time such as 2026-12-07T19:30:00+01:00, not "${text}"`);
  return () => at;
}

function report(out: Output, json: boolean, n: number, s: SweepSummary): void {
  if (json) out.out(JSON.stringify({ kind: 'sweep', sweep: n, startedAt: s.startedAt, due: s.due, seen: s.seen, unseen: s.unseen, waiting: s.waiting, running: s.running, parked: s.parked, deferred: s.deferred, offline: s.offline, runId: s.run?.runId ?? null, outcome: s.run?.outcome ?? null, checkRunId: s.checked?.runId ?? null, at: new Date().toISOString() }));
  else out.out(`${new Date().toISOString()} ${describeSweep(n, s)}`);
}
