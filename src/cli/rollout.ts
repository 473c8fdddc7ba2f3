import { Command, Option } from 'commander';
import { CauseError, findResumableRun, pendingMachines, selectRerun } from '../journal/index.js';
import { nearestNames } from '../model/suggest.js';
import { ERROR_CLASSES, type ErrorClass } from '../model/result.js';
import { setExit, usageError } from './exit.js';
import { executeRun } from './execute-run.js';
import { withJournal } from './journal.js';
import { createOutput } from './output.js';
import { globalOptions, requireValidPlan } from './project.js';
import { addRunOptions, readRunSettings, type RunFlags } from './rollout-options.js';
import { addLimitOption, selectFromProject } from './select.js';
import { pickRerun } from './rerun-picker.js';
import { parkedNow } from '../run/keep.js';

const commandLine = () => ['homeshift', ...process.argv.slice(2)].join(' ');

/** What rollout and rerun read before anything else: output, run options (usage errors first), the valid project. */
async function prepareRun(cmd: Command, flags: RunFlags) {
  const g = globalOptions(cmd);
  const out = createOutput(g);
  readRunSettings(flags); // usage errors before the repository is read
  const { project, plan } = await requireValidPlan(g, out);
  return { out, settings: readRunSettings(flags, project.config.rollout), project, fullPlan: plan };
}

export function registerRollout(program: Command): void {
  addRunOptions(
    addLimitOption(program
      .command('rollout')
      .description('personalise the selected PCs over SSH: checks, VPN, bundles, mailboxes, in waves'))
      .option('--resume', 'finish the last interrupted, crashed or halted run: machines it finished are not redone')
      .option('--reboot', "restart the PCs that wait for a reboot (or whose restart: true packages ask for one), only inside their site's window of time and with nobody logged on unless whenLoggedOn: true; such installs wait for the window too"),
  )
    .addHelpText('after', `
Shows the counts per site, profile and OS and asks before touching any PC
(without a terminal, --yes is required). Every result lands in the journal.

Examples:
  $ homeshift rollout --limit site=bruehl --waves 1,10%,100% --max-failures 5%
  $ homeshift rollout --check                       what would change, nothing is changed
  $ homeshift rollout --limit 'BRU-D00*' --forks 50 --yes --json > results.jsonl
  $ homeshift rollout --limit @tomorrow.txt --yes   the ids listed in a file, one per line
  $ homeshift rollout --resume --yes                after a crash, Ctrl-C or a halt (its summary prints the command)`)
    .action(async (opts: RunFlags & { limit?: string; resume?: boolean; reboot?: boolean }, cmd: Command) => {
      const { out, settings, project, fullPlan } = await prepareRun(cmd, opts);
      await withJournal(project, true, async (store) => {
        let machines;
        let resumeRunId: string | undefined;
        if (opts.resume) {
          if (opts.limit) throw usageError('--resume runs what the interrupted run had left; it takes no --limit');
          const run = await findResumableRun(store);
          if (!run) throw usageError('no interrupted or halted run to resume: every run in the journal finished');
          const pending = new Set(await pendingMachines(store, run.id));
          machines = project.machines.filter((m) => pending.has(m.id));
          resumeRunId = run.id;
          out.err(`resuming run ${run.id} (${run.commandLine}): ${machines.length} machine(s) left`);
        } else machines = await selectFromProject(project, opts.limit);
        setExit(await executeRun({ project, fullPlan, store, machines, settings, selector: opts.limit ?? null, resumeRunId, commandLine: commandLine(), reboot: opts.reboot === true }, out));
      });
    });
}

export function registerRerun(program: Command): void {
  addRunOptions(
    addLimitOption(program
      .command('rerun')
      .description('re-run the PCs whose cases are open (all of them, or by cause, class, site or --limit)'))
      // every rerun takes the machines with open cases; --failed says so and is accepted, not needed
      .addOption(new Option('--failed', 'the machines with open cases (what rerun always takes)').hideHelp())
      .addOption(new Option('--class <class>', 'only this error class').choices(ERROR_CLASSES as string[]))
      .option('--cause <fingerprint>', 'only this cause (a fingerprint from errors --group, or its start)')
      .option('--site <site>', 'only this site'),
  )
    .addHelpText('after', `
On a terminal without filters (and without --yes), a picker lets you choose the fixed causes.

Examples:
  $ homeshift errors --group
  $ homeshift rerun --cause step-failed:mailbox:3f2a9c1b --yes
  $ homeshift rerun --class unreachable --site bruehl
  $ homeshift rerun --limit 'KOE-*' --yes`)
    .action(async (opts: RunFlags & { failed?: boolean; class?: ErrorClass; cause?: string; site?: string; limit?: string }, cmd: Command) => {
      const { out, settings, project, fullPlan } = await prepareRun(cmd, opts);
      await withJournal(project, true, async (store) => {
        const unfiltered = !opts.class && !opts.cause && !opts.site && !opts.limit;
        const picked = unfiltered && !settings.yes && process.stdin.isTTY && process.stdout.isTTY ? await pickRerun(store, project) : [];
        const causes: (string | undefined)[] = picked.length > 0 ? picked : [opts.cause];
        const ids = new Set<string>();
        if (opts.site !== undefined && !project.sites.has(opts.site)) {
          throw usageError(`--site: no site ${opts.site}; did you mean ${nearestNames(opts.site, project.sites.keys()).join(', ')}?`);
        }
        for (const cause of causes) {
          const found = await selectRerun(store, { class: opts.class, cause, site: opts.site }).catch((err: unknown) => {
            throw err instanceof CauseError ? usageError(err.message) : err;
          });
          for (const id of found) ids.add(id);
        }
        const limited = opts.limit ? new Set((await selectFromProject(project, opts.limit)).map((m) => m.id)) : null;
        const chosen = project.machines.filter((m) => ids.has(m.id) && (!limited || limited.has(m.id)));
        const parked = await parkedNow(store, new Date());
        const machines = chosen.filter((m) => !parked.has(m.id));
        for (const m of chosen.filter((c) => parked.has(c.id))) {
          const park = parked.get(m.id)!;
          out.err(`${m.id} is parked until ${park.until}${park.note ? ` (${park.note})` : ''}: left alone (homeshift case unpark ${m.id})`);
        }
        if (ids.size > chosen.length) out.err(`${ids.size - machines.length} open case(s) name machines no longer in the inventory; they are left alone`);
        if (machines.length === 0) {
          out.err('no open case matches; nothing to re-run');
          setExit(0);
          return;
        }
        const selector = ['@failed', opts.class && `class=${opts.class}`, opts.cause && `cause=${opts.cause}`, opts.site && `site=${opts.site}`, opts.limit].filter(Boolean).join(',');
        setExit(await executeRun({ project, fullPlan, store, machines, settings, selector, commandLine: commandLine() }, out));
      });
    });
}
