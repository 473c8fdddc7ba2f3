import { Command, Option } from 'commander';
import type { JournalStore } from '../journal/store.js';
import { ruleForSite, windowOpens, type DisturbConfig } from '../model/time-window.js';
import { complianceBySite, deferredBySite, formatKeepState, keepState, type KeepState } from '../report/keep-format.js';
import { listErrors, machineLog, statusBySite } from '../journal/queries.js';
import { formatErrors, formatMachineLog, formatStatus, type ReportFormat } from '../report/index.js';
import { ERROR_CLASSES, type ErrorClass } from '../model/result.js';
import { inputError, setExit, usageError } from './exit.js';
import { escalationOf, withJournal, type JournalProject } from './journal.js';
import { addFormatOptions } from './format-option.js';
import { createOutput, type Output } from './output.js';
import { globalOptions, loadStatusInputs, requireProjectConfig, requireValidPlan, requireValidProject, type GlobalOptions } from './project.js';
import { formatAppliedDiff } from '../report/applied-diff-format.js';
import { diffApplied, type AppliedDiff } from '../plan/applied-diff.js';
import { addLimitOption, machineIdOf, selectFrom, selectFromProject } from './select.js';
import { knownName } from '../model/suggest.js';
import { OWNER_HELP, ownerOption } from './identity.js';

const FORMATS = ['text', 'json', 'csv'] as const;

export function registerStatus(program: Command): void {
  addFormatOptions(addLimitOption(program
    .command('status')
    .description('per site: done, open cases, never tried, stale (plan changed since success); open cases with owner, age, escalation'))
    .option('--site <site>', 'only this site')
    .option('--owner <owner>', OWNER_HELP), FORMATS)
    .addHelpText('after', `
Answers from the journal and the current inventory; no PC is contacted.

Examples:
  $ homeshift status
  $ homeshift status --site bruehl --format json
  $ homeshift status --limit @tomorrow.txt        the PCs of one batch
  $ homeshift status --owner me                   my open cases under the site counts`)
    .action(async (opts: { site?: string; limit?: string; owner?: string; format: ReportFormat }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const { project, inventory, skipped } = await loadStatusInputs(g, out);
      if (opts.site && inventory && !inventory.sites.includes(opts.site)) throw usageError(`--site: no site ${opts.site} (sites: ${inventory.sites.join(', ')})`);
      if (skipped && opts.limit !== undefined) throw inputError(`${skipped}: --limit needs a valid inventory; nothing was read`);
      if (skipped) out.err(`homeshift: warning: stale detection skipped: ${skipped}; counts are of the machines the journal knows`);
      const owner = ownerOption(project, opts.owner);
      const machines = inventory && opts.limit !== undefined ? await selectFrom(inventory.machines, project, opts.limit, inventory.planHashes) : inventory?.machines;
      const now = new Date();
      // the compliant share per site, where a profile has its checks run again (compliance.every)
      const roles = new Set(inventory?.complianceRoles ?? []);
      const compliance = roles.size > 0 && machines ? machines.filter((m) => roles.has(m.role)).map((m) => ({ id: m.id, site: m.site })) : undefined;
      const [report, keep] = await withJournal(project, false, async (store) => [
        await statusBySite(store, { site: opts.site, now, planHashes: inventory?.planHashes, machines, only: opts.limit !== undefined, escalation: escalationOf(project), owner }),
        await readKeepState(store, now, opts.limit !== undefined ? machines?.map((m) => m.id) : undefined, opts.site, compliance, project.config.disturb),
      ] as const);
      const text = withKeepState(formatStatus(report, opts.format, { color: out.color }), keep, opts.format);
      // --limit @stale: which PCs, and what changed for them since it was applied
      const why = machines && /(^|,)\s*@stale\s*(,|$)/.test(opts.limit ?? '') ? await staleWhyOf(g, out, project, machines.map((m) => m.id)) : null;
      out.out(why ? withStaleWhy(text, why, opts.format, out.color) : text);
      setExit(0);
    });
}

async function staleWhyOf(g: GlobalOptions, out: Output, project: JournalProject, ids: string[]): Promise<AppliedDiff> {
  const { project: full, plan } = await requireValidPlan(g, out);
  const wanted = new Set(ids);
  const { buildPlan } = await import('../plan/index.js');
  const stale = buildPlan(full, { machines: full.machines.filter((m) => wanted.has(m.id)), ...(plan ? { from: plan } : {}) });
  const applied = await withJournal(project, false, (store) => store.listApplied(ids));
  return diffApplied(stale.machines, stale.scripts, applied);
}

function withStaleWhy(text: string, why: AppliedDiff, format: ReportFormat, color: boolean): string {
  if (format === 'json') {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? JSON.stringify({ ...parsed, stale: { groups: why.groups, unrecorded: why.unrecorded } }, null, 2) : text;
  }
  const body = format === 'text' ? formatAppliedDiff(why, (n) => `stale: ${n} PC${n === 1 ? '' : 's'} whose plan changed since it was applied, by what changed:`, { color }) : '';
  return body ? `${text.replace(/\n+$/, '')}\n\n${body}` : text;
}

export function registerErrors(program: Command): void {
  addFormatOptions(addLimitOption(program
    .command('errors')
    .description('the error log: one row per open case, or with --group one row per cause with counts and sample machines'))
    .option('-g, --group', 'one row per cause (fingerprint)')
    .addOption(new Option('--class <class>', 'only this error class').choices(ERROR_CLASSES as string[]))
    .option('--site <site>', 'only this site')
    .option('--run <run-id>', 'only cases whose last attempt was in this run')
    .option('--owner <owner>', OWNER_HELP), FORMATS)
    .addHelpText('after', `
Examples:
  $ homeshift errors --group
  $ homeshift errors --owner it-ops                the cases of a routing group and its members
  $ homeshift errors --class auth --site koeln --format csv > auth-koeln.csv`)
    .action(async (opts: { group?: boolean; class?: ErrorClass; site?: string; run?: string; limit?: string; owner?: string; format: ReportFormat }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      // the journal answers; the inventory is read only to resolve a --limit
      const project = opts.limit ? await requireValidProject(g, out) : await requireProjectConfig(g, out);
      const machines = opts.limit && 'machines' in project ? (await selectFromProject(project, opts.limit)).map((m) => m.id) : undefined;
      const owner = ownerOption(project, opts.owner);
      const [list, keep] = await withJournal(project, false, async (store) => [
        await listErrors(store, { group: opts.group, class: opts.class, site: opts.site, run: opts.run, machines, owner, now: new Date(), escalation: escalationOf(project) }),
        await readKeepState(store, new Date(), machines, opts.site),
      ] as const);
      out.out(withKeepState(formatErrors(list, opts.format, { color: out.color }), { notSeen: [], parked: keep.parked, compliance: [] }, opts.format));
      setExit(0);
    });
}

export function registerLog(program: Command): void {
  addFormatOptions(program
    .command('log')
    .description("a machine's full transcript: every attempt, every step, chronological")
    .argument('<machine>', 'machine id in any case, e.g. BRU-D0042'), ['text', 'json'])
    .addHelpText('after', `
Examples:
  $ homeshift log BRU-D0042
  $ homeshift log bru-d0042 --json`)
    .action(async (machine: string, opts: { format: ReportFormat }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const project = await requireValidProject(g, out);
      const known = knownName(machine, project.machines.map((m) => m.id));
      const log = await withJournal(project, false, (store) => machineLog(store, known ?? machine));
      if (log.attempts.length === 0 && !known) machineIdOf(project, machine); // names nothing: the nearest ids
      out.out(formatMachineLog(log, opts.format, { color: out.color }));
      setExit(0);
    });
}

/** What keep knows (offline, parked) of the machines shown, at one site or all. */
async function readKeepState(store: JournalStore, now: Date, machines: string[] | undefined, site: string | undefined, compliance?: { id: string; site: string }[], disturb?: DisturbConfig): Promise<KeepState> {
  const [presence, parks, records, deferred] = await Promise.all([store.listPresence(), store.listParks(), compliance ? store.listCompliance() : [], store.listDeferred()]);
  const state = keepState(presence.filter((p) => !site || p.site === site), parks, now, machines ? new Set(machines) : undefined);
  if (compliance) state.compliance = complianceBySite(records, compliance.filter((m) => !site || m.site === site));
  const shown = deferred.filter((d) => (!site || d.site === site) && (!machines || machines.includes(d.machine)));
  if (shown.length > 0) state.deferred = deferredBySite(shown, (s) => windowOpens(ruleForSite(disturb, s)));
  if (site) {
    const atSite = new Set((await store.listCases({ site })).map((c) => c.machine));
    for (const p of presence) if (p.site === site) atSite.add(p.machine);
    state.parked = state.parked.filter((p) => atSite.has(p.machine));
  }
  return state;
}

/** Text gets keep's lines after the report; JSON gets them as `keep`; CSV stays one table. */
function withKeepState(text: string, state: KeepState, format: ReportFormat): string {
  if (state.notSeen.length === 0 && state.parked.length === 0 && state.compliance.length === 0 && !state.deferred?.length) return text;
  if (format === 'json') {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? JSON.stringify({ ...parsed, keep: state }, null, 2) : text;
  }
  if (format !== 'text') return text;
  return `${text.replace(/\n+$/, '')}\n\n${formatKeepState(state).join('\n')}`;
}
