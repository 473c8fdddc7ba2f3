import { Command, Option } from 'commander';
import { listErrors, machineLog, statusBySite } from '../journal/queries.js';
import { formatErrors, formatMachineLog, formatStatus, type ReportFormat } from '../report/index.js';
import { ERROR_CLASSES, type ErrorClass } from '../model/result.js';
import { setExit, usageError } from './exit.js';
import { escalationOf, withJournal } from './journal.js';
import { addFormatOptions } from './format-option.js';
import { createOutput } from './output.js';
import { globalOptions, loadStatusInputs, requireProjectConfig, requireValidProject } from './project.js';

const FORMATS = ['text', 'json', 'csv'] as const;

export function registerStatus(program: Command): void {
  addFormatOptions(program
    .command('status')
    .description('per site: done, open cases, never tried, stale (plan changed since success); open cases with owner, age, escalation')
    .option('--site <site>', 'only this site'), FORMATS)
    .addHelpText('after', `
Answers from the journal and the current inventory; no PC is contacted.

Examples:
  $ homeshift status
  $ homeshift status --site bruehl --format json`)
    .action(async (opts: { site?: string; format: ReportFormat }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const { project, inventory, skipped } = await loadStatusInputs(g, out);
      if (opts.site && inventory && !inventory.sites.has(opts.site)) throw usageError(`--site: no site ${opts.site} (sites: ${[...inventory.sites.keys()].join(', ')})`);
      if (skipped) out.err(`homeshift: warning: stale detection skipped: ${skipped}; counts are of the machines the journal knows`);
      const report = await withJournal(project, false, (store) => statusBySite(store, {
        site: opts.site, now: new Date(), planHashes: inventory?.planHashes, machines: inventory?.machines, escalation: escalationOf(project),
      }));
      out.out(formatStatus(report, opts.format, { color: out.color }));
      setExit(0);
    });
}

export function registerErrors(program: Command): void {
  addFormatOptions(program
    .command('errors')
    .description('the error log: one row per open case, or with --group one row per cause with counts and sample machines')
    .option('-g, --group', 'one row per cause (fingerprint)')
    .addOption(new Option('--class <class>', 'only this error class').choices(ERROR_CLASSES as string[]))
    .option('--site <site>', 'only this site')
    .option('--run <run-id>', 'only cases whose last attempt was in this run'), FORMATS)
    .addHelpText('after', `
Examples:
  $ homeshift errors --group
  $ homeshift errors --class auth --site koeln --format csv > auth-koeln.csv`)
    .action(async (opts: { group?: boolean; class?: ErrorClass; site?: string; run?: string; format: ReportFormat }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const project = await requireProjectConfig(g, out); // the journal answers; the inventory is not needed
      const list = await withJournal(project, false, (store) => listErrors(store, { group: opts.group, class: opts.class, site: opts.site, run: opts.run, now: new Date(), escalation: escalationOf(project) }));
      out.out(formatErrors(list, opts.format, { color: out.color }));
      setExit(0);
    });
}

export function registerLog(program: Command): void {
  addFormatOptions(program
    .command('log')
    .description("a machine's full transcript: every attempt, every step, chronological")
    .argument('<machine>', 'machine id, e.g. BRU-D0042'), ['text', 'json'])
    .addHelpText('after', `
Examples:
  $ homeshift log BRU-D0042`)
    .action(async (machine: string, opts: { format: ReportFormat }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const project = await requireValidProject(g, out);
      const log = await withJournal(project, false, (store) => machineLog(store, machine));
      if (log.attempts.length === 0 && !project.machines.some((m) => m.id === machine)) throw usageError(`no machine ${machine} in the inventory or the journal`);
      out.out(formatMachineLog(log, opts.format, { color: out.color }));
      setExit(0);
    });
}
