import { Command, Option } from 'commander';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Project } from '../model/project.js';
import type { JournalStore } from '../journal/index.js';
import { buildPlan } from '../plan/index.js';
import { countOf, gatherReportData, renderHtmlReport, type ReportMachine, type ReportSite } from '../report/html/index.js';
import { buildJunitReport } from '../report/junit.js';
import { CliError, EXIT, setExit, usageError } from './exit.js';
import { escalationOf, openJournal } from './journal.js';
import { createOutput } from './output.js';
import { globalOptions, requireValidPlan } from './project.js';
import { addLimitOption, selectFromProject } from './select.js';

interface ReportOptions {
  html?: string;
  junit?: string;
  format?: 'html' | 'junit';
  out?: string;
  limit?: string;
}

/** --format html|junit --out FILE is the same as --html FILE or --junit FILE (stdout without --out). */
function targetsOf(opts: ReportOptions): { html?: string; junit?: string } {
  if (opts.out !== undefined && opts.format === undefined) throw usageError('report: --out FILE needs --format html or --format junit');
  if (opts.format === undefined) return { html: opts.html, junit: opts.junit };
  if (opts[opts.format] !== undefined) throw usageError(`report: --format ${opts.format} and --${opts.format} both name the ${opts.format} report: choose one`);
  return { html: opts.html, junit: opts.junit, [opts.format]: opts.out ?? '-' };
}

const inventoryOf = (machines: Project['machines']): ReportMachine[] => machines.map((m) => ({ id: m.id, site: m.site, role: m.role, os: m.os }));
const sitesOf = (project: Project): ReportSite[] => [...project.sites.values()].map((s) => ({ id: s.id, name: s.name, language: s.language }));

/** The HTML report of a project's journal, and its totals for a one-line summary. */
export async function renderProjectReport(project: Project, store: JournalStore, planHashes: Map<string, string>, selected?: Project['machines']) {
  const machines = inventoryOf(selected ?? project.machines);
  const data = await gatherReportData({ title: project.config.name, machines, only: selected !== undefined, sites: sitesOf(project), now: new Date(), store, planHashes, escalation: escalationOf(project), routing: project.config.routing });
  return { html: renderHtmlReport(data), totals: data.status.totals, causes: data.causes.length };
}

/** Writes a report to FILE, or to stdout for '-'; returns where it went, for people. */
async function writeReport(target: string, text: string): Promise<string> {
  if (target === '-') {
    process.stdout.write(text);
    return 'standard output';
  }
  const file = resolve(target);
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, text);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CliError(`cannot write ${target}: ${reason}`, EXIT.usage);
  }
  const near = relative(process.cwd(), file);
  return near && !near.startsWith('..') ? near : file;
}

export function registerReport(program: Command): void {
  addLimitOption(program
    .command('report')
    .description('write the rollout report: a self-contained HTML page, or JUnit XML for CI (from the journal; no PC is contacted)'))
    .option('--html <file>', 'HTML report: progress per site, error causes, PCs home-ready over time, worklists per supporter, every machine ("-" for stdout)')
    .option('--junit <file>', 'JUnit XML: a testsuite per site, a testcase per machine and its last result ("-" for stdout)')
    .addOption(new Option('--format <format>', 'the report to write, as with --html or --junit').choices(['html', 'junit']))
    .option('--out <file>', 'where --format writes ("-" or none: standard output)')
    .addHelpText('after', `
The HTML file needs nothing else to be viewed (no network, no external fonts or scripts);
open it in a browser, print it or mail it around.

Examples:
  $ homeshift report --html rollout-report.html
  $ homeshift report --junit reports/machines.xml
  $ homeshift report --junit - > machines.xml
  $ homeshift report --html bruehl.html --limit site=bruehl
  $ homeshift report --format junit --out reports/machines.xml`)
    .action(async (given: ReportOptions, cmd: Command) => {
      const opts = targetsOf(given);
      if (!opts.html && !opts.junit) throw usageError('report: say which report to write: --html FILE or --junit FILE');
      if (opts.html === '-' && opts.junit === '-') throw usageError('report: only one of --html and --junit can go to standard output (-)');
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const say = opts.html === '-' || opts.junit === '-' ? out.err : out.out;
      const { project, plan } = await requireValidPlan(g, out);
      const now = new Date();
      const selected = given.limit ? await selectFromProject(project, given.limit) : undefined;
      const base = { title: project.config.name, machines: inventoryOf(selected ?? project.machines), only: selected !== undefined, sites: sitesOf(project), now };
      const store = await openJournal(project, false);
      try {
        if (opts.html) {
          const planHashes = new Map((plan ?? buildPlan(project)).machines.map((m) => [m.machine.id, m.hash]));
          const report = await renderProjectReport(project, store, planHashes, selected);
          const where = await writeReport(opts.html, report.html);
          const t = report.totals;
          say(`HTML report written to ${where}: ${countOf(t.machines, 'machine')}, ${t.done} done, ${countOf(t.open, 'open case')}, ${countOf(report.causes, 'cause')}`);
        }
        if (opts.junit) {
          const where = await writeReport(opts.junit, await buildJunitReport({ ...base, store }));
          say(`JUnit report written to ${where}`);
        }
      } finally {
        await store.close();
      }
      setExit(EXIT.ok);
    });
}
