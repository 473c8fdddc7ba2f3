import { confirm } from '@inquirer/prompts';
import { listErrors, RESUME_COMMAND, type JournalStore } from '../journal/index.js';
import { formatErrors } from '../report/index.js';
import type { Machine, Project } from '../model/project.js';
import type { Plan } from '../model/plan.js';
import { describeHalt, failedCount, type RunListener } from '../model/result.js';
import { buildPlan } from '../plan/index.js';
import { DEFAULT_LEASE_TIMEOUT_MS } from '../run/machine-leases.js';
import { runRollout, type RolloutPreview } from '../run/rollout.js';
import { createDisturbGate } from '../run/disturb-gate.js';
import { mayAskForReboot, withRebootSteps } from '../plan/reboot-step.js';
import { localTimeZone } from '../model/time-window.js';
import { SecretError } from '../run/secrets.js';
import { amountText } from '../run/waves.js';
import { createSshTransport } from '../transport/index.js';
import type { Transport } from '../transport/transport.js';
import { describeDescriptorShortage, readOpenFileLimit } from './descriptor-limit.js';
import { EXIT, inputError, usageError } from './exit.js';
import { caseContextOf, escalationOf, logFolderOf, recordCaseEscalations } from './journal.js';
import type { Output } from './output.js';
import { stdoutClosed, whenStdoutCloses } from './output-closed.js';
import { createJsonProgress, createPlainProgress } from './progress-plain.js';
import { createTtyProgress, layoutWaveSites } from './progress-tty.js';
import type { RunSettings } from './rollout-options.js';
import { continueCommand, exitCodeOf, summaryLine } from './run-summary.js';
import { collectWouldChange, formatCheckChanges } from './check-changes.js';
import { withRemovals } from './removals.js';

export interface RunRequest {
  project: Project;
  fullPlan?: Plan | null; // every machine's plan from the validation, so the selection is not rendered again
  store: JournalStore;
  machines: Machine[];
  settings: RunSettings;
  selector: string | null;
  resumeRunId?: string;
  commandLine: string;
  transport?: Transport;
  extraListeners?: RunListener[];
  progress?: (out: Output) => RunListener; // the live view; plain lines when absent
  reboot?: boolean; // rollout --reboot: restart PCs that wait for one, within the sites' windows of time
}

/** rollout --reboot: a restart step where a PC waits (or may ask) for one; disturbing steps gated as keep gates them. */
async function withRestarts(project: Project, store: JournalStore, plan: Plan): Promise<Plan> {
  const pending = new Set((await store.rebootPending()).map((r) => r.machine));
  // a site without a window may be restarted any time, but not under a logged-on user
  const gate = createDisturbGate(project.config.disturb, { window: null, whenLoggedOn: false, timeZone: localTimeZone() });
  return gate.apply(withRebootSteps(project, plan, (m) => pending.has(m.machine.id) || mayAskForReboot(m), pending), new Date());
}

function countLines(title: string, counts: Record<string, number>): string {
  return `  ${title}: ${Object.entries(counts).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`;
}

/** What the operator confirms: counts per site, profile and OS, the waves and the threshold. */
export function describeRun(preview: RolloutPreview, settings: RunSettings): string {
  const { plan } = preview;
  const s = plan.summary;
  const sizes = preview.waves.map((w) => w.length);
  const threshold = settings.maxFailures === null ? 'never' : `after more than ${amountText(settings.maxFailures)} of the PCs reached failed`;
  const unreachable = settings.maxUnreachable ? `, or more than ${amountText(settings.maxUnreachable)} unreachable` : '';
  return [
    `${settings.check ? 'Check (read-only)' : 'Roll out'}: ${s.machines} machine(s), ${s.steps} step(s), plan ${plan.hash.slice(0, 12)}`,
    countLines('sites', s.bySite),
    countLines('profiles', s.byProfile),
    countLines('os', s.byOs),
    `  waves: ${sizes.join(', ') || 'none'}   forks: ${settings.forks}   halt: ${threshold}${unreachable}`,
  ].join('\n');
}

async function confirmRun(out: Output, settings: RunSettings, count: number): Promise<boolean> {
  if (settings.yes || settings.check) return true;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw usageError(`refusing to touch ${count} PC(s) without a terminal to confirm on: add --yes`);
  }
  (settings.json ? out.err : out.out)(''); // the question stands apart from the counts above it
  return confirm({ message: `Personalise these ${count} PC(s) now?`, default: false });
}

type ProgressView = RunListener & { close?: () => Promise<void> };

/** JSON lines, the caller's view, the live view on a terminal, or plain lines. */
function createView(out: Output, req: RunRequest, preview: RolloutPreview): ProgressView {
  if (req.settings.json) return createJsonProgress((l) => out.out(l));
  if (req.progress) return req.progress(out);
  if (!process.stdout.isTTY) return createPlainProgress(out);
  return createTtyProgress(out, layoutWaveSites(preview.plan.machines.map((m) => m.machine.site), preview.waves.map((w) => w.length)));
}

/** The terminal around a rollout: first Ctrl-C (or SIGTERM) starts no new machines, the second ends running ones. */
function interruptSignals(): { soft: AbortController; hard: AbortController; dispose: () => void } {
  const soft = new AbortController();
  const hard = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!soft.signal.aborted) soft.abort(signal);
    else hard.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Nobody reads the progress any more: start no new machines, let running steps finish, record the run as interrupted.
  const unwatch = whenStdoutCloses(() => { if (!soft.signal.aborted) soft.abort('output closed'); });
  return { soft, hard, dispose: () => { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); unwatch(); } };
}

/** plan -> confirm -> run (run/rollout.ts) with a progress view -> summary. Returns the exit code. */
export async function executeRun(req: RunRequest, out: Output): Promise<number> {
  const { project, store, settings } = req;
  const planned = await withRemovals(project, store, buildPlan(project, req.fullPlan ? { machines: req.machines, from: req.fullPlan } : { machines: req.machines }));
  const plan = req.reboot && !settings.check ? await withRestarts(project, store, planned) : planned;
  if (plan.machines.length === 0) {
    out.err('no machine matches the selection; nothing to do');
    return EXIT.ok;
  }
  const logToErr = settings.json ? out.err : out.out;
  const shortage = describeDescriptorShortage(Math.min(settings.forks, plan.machines.length), readOpenFileLimit());
  if (shortage) out.err(shortage);
  const views: ProgressView[] = [];
  const wouldChange = collectWouldChange();
  const signals = interruptSignals();
  let summary;
  try {
    summary = await runRollout(
      {
        plan, settings, store, transport: req.transport ?? createSshTransport(), secretSources: project.config.secrets, projectRoot: project.root,
        cases: await caseContextOf(project, store),
        leaseTimeoutMs: project.config.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS, logDir: logFolderOf(project),
        commandLine: req.commandLine, selector: req.selector, resumeRunId: req.resumeRunId,
      },
      {
        confirm: async (preview) => {
          logToErr(describeRun(preview, settings));
          return confirmRun(out, settings, plan.machines.length);
        },
        listeners: (preview) => {
          views.push(createView(out, req, preview));
          return [...views, ...(settings.check ? [wouldChange] : []), ...(req.extraListeners ?? [])];
        },
        softStop: signals.soft.signal,
        hardStop: signals.hard.signal,
        onJournalError: (err) => out.err(`journal: ${err.message}`),
        onLogError: (err) => out.err(`logs: ${err.message}`),
      },
    );
  } catch (err) {
    if (err instanceof SecretError) throw inputError(`${err.message}\nnothing was touched`);
    throw err;
  } finally {
    signals.dispose();
    for (const view of views) await view.close?.(); // the live view lets go of the terminal before the summary
  }
  if (summary.outcome === 'cancelled') {
    out.err('cancelled; nothing was touched');
    return EXIT.ok;
  }
  if (!settings.check) {
    await recordCaseEscalations(project, store, new Date()).catch((err: Error) => out.err(`journal: escalations not recorded: ${err.message}`));
  }

  if (stdoutClosed()) {
    const left = summary.outcome === 'interrupted' || summary.outcome === 'halted' ? `${summary.outcome}; finish it with ${RESUME_COMMAND}` : `finished; homeshift status shows it`;
    out.err(`homeshift: output closed: run ${summary.runId} ${left}`);
    return exitCodeOf(summary);
  }
  const c = summary.counts;
  if (summary.halt) logToErr(`Run ${summary.runId} ${describeHalt(summary.halt)}`);
  logToErr(summaryLine(summary));
  if (failedCount(c) > 0 && !settings.check) {
    const grouped = await listErrors(store, { group: true, run: summary.runId, now: new Date(), escalation: escalationOf(project) });
    logToErr('\nFailures of this run by cause:');
    logToErr(formatErrors(grouped, 'text', { color: out.color }));
    logToErr('Next: homeshift log MACHINE shows a transcript; fix the cause, then homeshift rerun --failed --cause FINGERPRINT');
  }
  if (settings.check && !settings.json) {
    const changes = await formatCheckChanges(plan, store, wouldChange.found, { color: out.color });
    if (changes) logToErr(`\n${changes}`);
  }
  if (summary.rebootRequired.length > 0) logToErr('Reboot pending: software on these PCs takes effect after a restart; homeshift status lists the PCs that wait for one');
  if (c.busy > 0 && summary.outcome !== 'interrupted') logToErr(`Busy PCs were left alone; finish them later with homeshift rollout --resume (or wait for them with --wait-busy)`);
  if (summary.outcome === 'interrupted') logToErr(`Interrupted: finish the run with homeshift rollout --resume`);
  if (summary.halt) {
    logToErr(`Halted: ${summary.notStarted} PC(s) were not started. Fix the cause, then continue the run with:\n  ${continueCommand(process.argv.slice(2))}`);
  }
  return exitCodeOf(summary);
}
