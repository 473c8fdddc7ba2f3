import { confirm } from '@inquirer/prompts';
import { createJournalWriter, createLogFileWriter, createRunId, listErrors, type JournalStore } from '../journal/index.js';
import { formatErrors } from '../report/index.js';
import type { Machine, Project } from '../model/project.js';
import type { Plan } from '../model/plan.js';
import type { RunEvent, RunListener } from '../model/result.js';
import { buildPlan } from '../plan/index.js';
import { createRedactor } from '../run/redact.js';
import { runFleet } from '../run/scheduler.js';
import { resolveSecrets, SecretError } from '../run/secrets.js';
import { waveSizes } from '../run/waves.js';
import { createSshTransport } from '../transport/index.js';
import type { Transport } from '../transport/transport.js';
import { EXIT, inputError, usageError } from './exit.js';
import { escalationOf, logFolderOf, ownerForSite } from './journal.js';
import type { Output } from './output.js';
import { createJsonProgress, createPlainProgress } from './progress-plain.js';
import { createTtyProgress, layoutWaveSites } from './progress-tty.js';
import type { RunSettings } from './rollout-options.js';

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
}

function countLines(title: string, counts: Record<string, number>): string {
  return `  ${title}: ${Object.entries(counts).sort().map(([k, n]) => `${k} ${n}`).join(', ')}`;
}

/** What the operator confirms: counts per site, profile and OS, the waves and the threshold. */
export function describeRun(plan: Plan, settings: RunSettings): string {
  const s = plan.summary;
  const sizes = waveSizes(settings.waves, s.machines);
  const threshold = settings.maxFailures === null ? 'never' : 'count' in settings.maxFailures ? `after more than ${settings.maxFailures.count} failed` : `after more than ${settings.maxFailures.percent}% failed`;
  return [
    `${settings.check ? 'Check (read-only)' : 'Roll out'}: ${s.machines} machine(s), ${s.steps} step(s), plan ${plan.hash.slice(0, 12)}`,
    countLines('sites', s.bySite),
    countLines('profiles', s.byProfile),
    countLines('os', s.byOs),
    `  waves: ${sizes.join(', ') || 'none'}   forks: ${settings.forks}   halt: ${threshold}`,
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

/** plan -> confirm -> run with journal, logs and progress as listeners -> summary. Returns the exit code. */
export async function executeRun(req: RunRequest, out: Output): Promise<number> {
  const { project, store, settings } = req;
  const plan = buildPlan(project, req.fullPlan ? { machines: req.machines, from: req.fullPlan } : { machines: req.machines });
  if (plan.machines.length === 0) {
    out.err('no machine matches the selection; nothing to do');
    return EXIT.ok;
  }
  let secrets: Record<string, string>;
  try {
    const names = plan.machines.flatMap((m) => m.steps.flatMap((s) => s.secrets));
    secrets = resolveSecrets(project.config.secrets, names, project.root);
  } catch (err) {
    if (err instanceof SecretError) throw inputError(`${err.message}\nnothing was touched`);
    throw err;
  }
  const logToErr = settings.json ? out.err : out.out;
  logToErr(describeRun(plan, settings));
  if (!(await confirmRun(out, settings, plan.machines.length))) {
    out.err('cancelled; nothing was touched');
    return EXIT.ok;
  }

  const runId = req.resumeRunId ?? createRunId();
  const sizes = waveSizes(settings.waves, plan.machines.length);
  const waveOf: number[] = sizes.flatMap((n, i) => Array<number>(n).fill(i + 1));
  await store.startRun(
    { id: runId, mode: settings.check ? 'check' : 'apply', startedAt: new Date().toISOString(), commandLine: req.commandLine, planHash: plan.hash, selector: req.selector },
    plan.machines.map((m, i) => ({ machine: m.machine.id, site: m.machine.site, wave: waveOf[i], planHash: m.hash })),
  );
  const redact = createRedactor(secrets);
  const writer = createJournalWriter(store, {
    runId,
    redact,
    ownerForSite: ownerForSite(project),
    escalateAfterAttempts: project.config.escalateAfterAttempts,
    onError: (err) => out.err(`journal: ${err.message}`),
  });
  const logs = createLogFileWriter(logFolderOf(project), runId, redact);
  const view: RunListener & { close?: () => Promise<void> } = settings.json
    ? createJsonProgress((l) => out.out(l))
    : req.progress ? req.progress(out)
    : process.stdout.isTTY ? createTtyProgress(out, layoutWaveSites(plan.machines.map((m) => m.machine.site), sizes))
    : createPlainProgress(out);
  const listeners: RunListener[] = [writer, logs, view, ...(req.extraListeners ?? [])];

  const soft = new AbortController();
  const hard = new AbortController();
  const onSigint = () => {
    if (!soft.signal.aborted) {
      soft.abort();
      const event: RunEvent = { kind: 'run-interrupted', signal: 'SIGINT', at: new Date().toISOString() };
      for (const l of listeners) l(event);
    } else hard.abort();
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  let summary;
  try {
    summary = await runFleet({
      runId,
      plan,
      machines: plan.machines,
      transport: req.transport ?? createSshTransport(),
      mode: settings.check ? 'check' : 'apply',
      forks: settings.forks,
      waves: settings.waves,
      maxFailures: settings.maxFailures,
      secrets,
      redact,
      projectRoot: project.root,
      retries: settings.retries,
      retryBackoffMs: 1000,
      listeners,
      softStop: soft.signal,
      hardStop: hard.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
    await writer.close().catch((err: Error) => out.err(`journal: ${err.message}`));
    await logs.close().catch((err: Error) => out.err(`logs: ${err.message}`));
    await view.close?.(); // the live view lets go of the terminal before the summary
  }

  const c = summary.counts;
  const line = `run ${runId}: ${c.ok} ok, ${c.changed} changed, ${c['would-change']} would change, ${c.failed} failed, ${c.unreachable} unreachable, ${c.interrupted} interrupted` + (summary.notStarted ? `, ${summary.notStarted} not started` : '');
  logToErr(line);
  if (c.failed + c.unreachable > 0 && !settings.check) {
    const grouped = await listErrors(store, { group: true, run: runId, now: new Date(), escalation: escalationOf(project) });
    logToErr('\nFailures of this run by cause:');
    logToErr(formatErrors(grouped, 'text', { color: out.color }));
    logToErr('Next: homeshift log MACHINE shows a transcript; fix the cause, then homeshift rerun --failed --cause FINGERPRINT');
  }
  if (summary.outcome === 'interrupted') {
    logToErr(`Interrupted: finish the run with homeshift rollout --resume`);
    return EXIT.interrupted;
  }
  if (summary.outcome === 'halted') return EXIT.halted;
  return summary.outcome === 'failed' ? EXIT.failed : EXIT.ok;
}
