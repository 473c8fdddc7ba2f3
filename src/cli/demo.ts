import { Command } from 'commander';
import { rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { renderProjectReport } from './report.js';
import { chooseWindowsShare, startLab, windowsCount, WindowsShareError, type Lab } from '../lab/index.js';
import { pwshMissingMessage } from '../lab/windows/windows-share.js';
import { listErrors, statusBySite } from '../journal/index.js';
import { formatErrors, formatStatus } from '../report/index.js';
import { buildPlan, formatPlanText } from '../plan/index.js';
import { formatDiagnosticsText } from '../validate/format.js';
import { EXIT, setExit, usageError } from './exit.js';
import { caseContextOf, escalationOf, logFolderOf, openJournal } from './journal.js';
import { createOutput, type Output } from './output.js';
import { globalOptions, loadAndValidate } from './project.js';
import { readRunSettings } from './rollout-options.js';
import { exitCodeOf, summaryLine } from './run-summary.js';
import { createPlainProgress } from './progress-plain.js';
import { selectRerun, type JournalStore } from '../journal/index.js';
import type { Machine, Project } from '../model/project.js';
import type { Plan } from '../model/plan.js';
import { DEFAULT_LEASE_TIMEOUT_MS } from '../run/machine-leases.js';
import { runRollout, type RolloutSettings } from '../run/rollout.js';
import { keepSweep } from '../run/keep.js';
import { describeSweep } from './keep.js';
import { createSshTransport } from '../transport/index.js';

// A Windows lab PC runs a real pwsh (about 1-2 s of CPU per PC and run): with Windows PCs the demo fleet is smaller.
const DEMO_MACHINES_LINUX = 300;
const DEMO_MACHINES_MIXED = 48;
const DEMO_FAULTS = 'offline=1%,slow=1%,auth=1,hostkey=1,drop=1,hang=1,fail-mailbox=2%:heal=1,disk-full=1%:heal=1,unencrypted=1%:heal=1';

function heading(out: Output, n: number, text: string): void {
  out.out(`\n${out.c.bold(`${n}. ${text}`)}`);
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('the whole product on a simulated fleet: lab up, validate, plan, rollout, errors by cause, re-run, status, lab down')
    .option('-n, --machines <n>', `PCs in the simulated fleet (default ${DEMO_MACHINES_MIXED} with Windows PCs, ${DEMO_MACHINES_LINUX} Linux only)`)
    .option('-s, --sites <n>', 'service centers', '3')
    .option('--windows <n|p%>', 'how many of the PCs are Windows PCs (default 80% when PowerShell 7 is found)')
    .option('--faults <spec>', 'faults to inject (see homeshift lab up --help)', DEMO_FAULTS)
    .option('--dir <dir>', 'where the demo keeps its fleet, repository and journal', '.homeshift/demo')
    .addHelpText('after', `
Everything stays on 127.0.0.1; the simulated PCs are stopped at the end and their
folders, the rollout repository and the journal are kept under --dir to look at.`)
    .action(async (opts: { machines?: string; sites: string; faults: string; windows?: string; dir: string }, cmd: Command) => {
      const out = createOutput(globalOptions(cmd));
      const { share, note, pwsh } = chooseWindowsShare(opts.windows);
      const mixed = share.trim() !== '0' && share.trim() !== '0%';
      const machines = Number(opts.machines ?? (mixed ? DEMO_MACHINES_MIXED : DEMO_MACHINES_LINUX));
      const sites = Number(opts.sites);
      if (!Number.isInteger(machines) || machines < 1 || !Number.isInteger(sites) || sites < 1) throw usageError('--machines and --sites must be whole numbers of at least 1');
      let windows: number;
      try {
        windows = windowsCount(share, machines);
      } catch (err) {
        if (err instanceof WindowsShareError) throw usageError(err.message);
        throw err;
      }
      if (windows > 0 && !pwsh) throw usageError(pwshMissingMessage(windows));
      const dir = resolve(opts.dir);
      await rm(dir, { recursive: true, force: true });
      const started = Date.now();
      if (note) out.out(note);
      heading(out, 1, `Starting a simulated fleet: ${machines} PCs (${windows} Windows, ${machines - windows} Linux) at ${sites} service centers, each an SSH server on 127.0.0.1`);
      if (windows > 0) out.out('   Windows PCs run the real PowerShell program in pwsh, Linux PCs the real sh program; both in their own folder trees.');
      // a couple of PCs are switched off during the rollout, as PCs at home are; the keep phase sees them come online
      const lab = await startLab({ dir, machines, sites, faults: opts.faults, windows: share, power: machines >= 10 ? 'off=2' : undefined });
      try {
        setExit(await runDemo(lab, out, dir));
      } finally {
        await lab.stop();
      }
      out.out(`\nThe simulated PCs are stopped (${((Date.now() - started) / 1000).toFixed(1)} s in all).`);
    });
}

async function runDemo(lab: Lab, out: Output, dir: string): Promise<number> {
  const faulty = lab.machines.filter((m) => m.fault);
  const kinds = [...new Set(faulty.map((m) => m.fault!.kind))].sort();
  out.out(`   ${faulty.length} of them carry injected faults (${kinds.join(', ')}), as real fleets do.`);
  const project = lab.projectDir;
  const shown = relative(process.cwd(), project) || '.';

  heading(out, 2, 'Validate the rollout repository (inventory, directory, profiles) before any PC is touched');
  const checked = await loadAndValidate({ project }, { keepPlan: true });
  if (checked.errors > 0 || !checked.project) {
    out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }));
    return EXIT.invalid;
  }
  out.out(`   valid: ${checked.project.machines.length} machines, ${checked.project.employees.size} employees, ${checked.project.profiles.size} profiles, ${checked.warnings} warning(s)`);

  heading(out, 3, 'Plan: what every PC becomes (excerpt)');
  const plan = checked.plan ?? buildPlan(checked.project);
  const text = formatPlanText(plan, { color: out.color }).split('\n');
  out.out(text.slice(0, 24).map((l) => `   ${l}`).join('\n'));
  if (text.length > 24) out.out(`   ... (homeshift -C ${shown} plan shows all ${plan.machines.length})`);

  // the injected faults are about 8 PCs whatever the fleet size: a smaller (mixed) fleet needs a wider threshold
  const maxFailures = lab.machines.length < 60 ? '20%' : '15%';
  heading(out, 4, `Roll out in waves: a 10% canary wave first, halt if more than ${maxFailures} fail`);
  const store = await openJournal(checked.project, true);
  try {
    // pwsh start-up is CPU-bound: more parallel Windows PCs than the machine has cores only make each one slower
    const windows = lab.machines.filter((m) => m.os === 'windows').length;
    const forks = windows > 0 ? String(Math.max(2, Math.min(25, availableParallelism() * 4))) : '25';
    const settings = readRunSettings({ forks, waves: '10%,100%', maxFailures, retries: '1', yes: true });
    const code = await demoRollout({ project: checked.project, plan, store, settings, out }, checked.project.machines, null, 'homeshift demo (rollout)');
    if (code === EXIT.halted) return code;

    heading(out, 5, 'The error log, grouped by cause (instead of an inbox full of mails)');
    const now = new Date();
    const escalation = escalationOf(checked.project);
    out.out(formatErrors(await listErrors(store, { group: true, now, escalation }), 'text', { color: out.color }));

    const healable = new Set(await selectRerun(store, { class: 'step-failed' }));
    heading(out, 6, `Causes fixed on site (mailboxes created, disks cleaned, encryption switched on): re-run the ${healable.size} step failures`);
    const rerun = checked.project.machines.filter((m) => healable.has(m.id));
    if (rerun.length > 0) await demoRollout({ project: checked.project, plan, store, settings, out }, rerun, '@failed,class=step-failed', 'homeshift demo (rerun --failed --class step-failed)');

    const off = lab.poweredOff();
    if (off.length > 0) {
      heading(out, 7, `Day two: the ${off.length} PCs that were switched off come online; one sweep of homeshift keep converges them`);
      lab.setPower(off, true);
      const offMachines = checked.project.machines.filter((m) => off.includes(m.id));
      const sweep = await keepSweep({
        fullPlan: buildPlan(checked.project, { machines: offMachines, from: plan }), subPlan: (picked) => buildPlan(checked.project!, { machines: offMachines.filter((m) => picked.some((p) => p.machine.id === m.id)), from: plan }),
        settings, store, transport: createSshTransport(), secretSources: checked.project.config.secrets, projectRoot: checked.project.root,
        cases: await caseContextOf(checked.project, store), leaseTimeoutMs: checked.project.config.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS,
        logDir: logFolderOf(checked.project), commandLine: `homeshift demo (keep --once --limit ${off.join(',')})`, selector: off.join(','),
        probeTimeoutMs: 3000, backoff: { baseMs: 0, capMs: 0 },
      }, { listeners: () => [createPlainProgress(out)], onJournalError: (err) => out.err(`journal: ${err.message}`), onLogError: (err) => out.err(`logs: ${err.message}`) });
      out.out(`   ${describeSweep(1, sweep)}`);
    }

    heading(out, 8, 'Status per site: what is done, what is open, who owns it');
    const planHashes = new Map(plan.machines.map((m) => [m.machine.id, m.hash]));
    out.out(formatStatus(await statusBySite(store, { now: new Date(), planHashes, machines: checked.project.machines, escalation }), 'text', { color: out.color }));
    out.out(await formatByOs(store, checked.project.machines));

    const reportFile = join(dir, 'report.html');
    const report = await renderProjectReport(checked.project, store, planHashes);
    await writeFile(reportFile, report.html);

    heading(out, 9, 'What next');
    out.out([
      `   The report for the people on site: ${relative(process.cwd(), reportFile) || reportFile} (one self-contained HTML file: progress,`,
      `   causes, PCs home-ready over time, worklists per supporter, every machine; open it in a browser).`,
      `   The repository, journal and per-PC folders are kept in ${relative(process.cwd(), dir) || dir}:`,
      `   homeshift -C ${shown} errors --group          the open cases by cause`,
      `   homeshift -C ${shown} log <MACHINE>           one PC's full transcript, every attempt`,
      `   homeshift -C ${shown} status                  per site, with owners`,
      `   The PCs left open are unreachable, hang, reject the key or show a changed host key: causes`,
      `   for a supporter on site. Try your own fleet with: homeshift lab up --machines 50`,
    ].join('\n'));
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

/** One line per OS from the journal: how many PCs are done and how many cases are open. */
async function formatByOs(store: JournalStore, machines: { id: string; os: string }[]): Promise<string> {
  const done = new Set((await store.listMachineStates()).map((s) => s.machine));
  const open = new Set((await store.listCases({ status: 'open' })).map((c) => c.machine));
  const lines = ['   by OS:'];
  for (const os of ['windows', 'linux']) {
    const ids = machines.filter((m) => m.os === os).map((m) => m.id);
    if (ids.length === 0) continue;
    const finished = ids.filter((id) => done.has(id) && !open.has(id)).length;
    lines.push(`     ${os.padEnd(8)} ${String(ids.length).padStart(4)} PCs   ${String(finished).padStart(4)} done   ${String(ids.filter((id) => open.has(id)).length).padStart(4)} open`);
  }
  return lines.join('\n');
}

interface DemoContext { project: Project; plan: Plan; store: JournalStore; settings: RolloutSettings; out: Output }

/** The same run entry as rollout, with plain progress lines and no prompt. */
async function demoRollout(ctx: DemoContext, machines: Machine[], selector: string | null, commandLine: string): Promise<number> {
  const { project, store, out } = ctx;
  const summary = await runRollout(
    {
      plan: buildPlan(project, { machines, from: ctx.plan }), settings: ctx.settings, store, transport: createSshTransport(),
      secretSources: project.config.secrets, projectRoot: project.root,
      cases: await caseContextOf(project, store),
      leaseTimeoutMs: project.config.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS, logDir: logFolderOf(project), commandLine, selector,
    },
    { listeners: () => [createPlainProgress(out)], onJournalError: (err) => out.err(`journal: ${err.message}`), onLogError: (err) => out.err(`logs: ${err.message}`) },
  );
  out.out(summaryLine(summary));
  return exitCodeOf(summary);
}
