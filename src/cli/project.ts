import { dirname } from 'node:path';
import type { Command } from 'commander';
import { statKind } from '../config/list-files.js';
import { loadProject, loadProjectConfig, type ConfigResult } from '../config/index.js';
import { sortDiagnostics, validateProject } from '../validate/validate-project.js';
import { IN_PROCESS_RULES } from '../validate/rules/index.js';
import type { Diagnostic, Plan, Project } from '../model/index.js';
import type { EncodedMachine, PlanSpool } from '../plan/encoded-plan.js';
import type { PlanOf } from '../plan/build-plan.js';
import type { Selectable } from '../plan/selector.js';
import { formatDiagnosticsText } from '../validate/format.js';
import { inputError } from './exit.js';
import type { JournalProject } from './journal.js';
import { localStateFolder, resolveJournalLocation } from '../journal/location.js';
import { complianceIntervals } from '../plan/compliance-every.js';
import { cacheFileIn, inputDigest, readRepositoryFacts, writeRepositoryFacts, type RepositoryFacts } from './plan-hash-cache.js';
import type { Output } from './output.js';

export interface GlobalOptions {
  project?: string;
  color?: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export interface Checked {
  project: Project | null;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
  plan: Plan | null; // every machine's plan, built while checking the templates; null when not valid or not asked for
  encoded: PlanOf<EncodedMachine> | null; // the same with each machine as its JSON, when asked for with encode
}

/**
 * load -> validate (schema, cross references, template variables for every machine).
 * keepPlan: keep the plan of every machine that the template check builds anyway, so plan need not render twice.
 */
export async function loadAndValidate(opts: GlobalOptions, { keepPlan = false, encode = false }: { keepPlan?: boolean; encode?: boolean | PlanSpool } = {}): Promise<Checked> {
  const cache = keepPlan ? await statusCacheOf(opts) : null; // the inputs' digest before they load: status reads the hashes kept below
  const loaded = await loadProject({ cwd: process.cwd(), projectDir: opts.project });
  const found = [...loaded.diagnostics];
  const project = loaded.project;
  let plan: Plan | null = null;
  let encoded: PlanOf<EncodedMachine> | null = null;
  // Every stage runs on what loaded, so one broken record does not hide the findings of the others.
  if (project) {
    found.push(...validateProject(project));
    const valid = !found.some((d) => d.severity === 'error');
    const { planAndCheck } = await import('../plan/template-errors.js'); // the template engine loads only for what plans
    const checked = planAndCheck(project, { keepPlan: keepPlan && valid, encode });
    found.push(...checked.diagnostics);
    plan = checked.plan;
    encoded = checked.encoded ?? null;
  }
  const diagnostics = sortDiagnostics(found);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  if (cache && project && errors === 0) {
    const hashes = plan?.machines.map((m): [string, string] => [m.machine.id, m.hash]) ?? encoded?.machines.map((m): [string, string] => [m.id, m.hash]);
    if (hashes && hashes.length === project.machines.length) {
      cacheFacts(cache, { skipped: null, sites: [...project.sites.keys()], machines: project.machines.map(selectableOf), planHashes: new Map(hashes), complianceRoles: complianceRoles(project) });
    }
  }
  return { project, diagnostics, errors, warnings: diagnostics.length - errors, plan: errors > 0 ? null : plan, encoded: errors > 0 ? null : encoded };
}

/** For commands that only read the project: stop with exit 2 and the messages when the input is not valid. */
export async function requireValidProject(opts: GlobalOptions, out: Output): Promise<Project> {
  return (await requireValid(opts, out, {})).project;
}

/**
 * requireValidProject, with the plan of every machine built by the check (pass it to buildPlan as `from`);
 * plan is null when a machine could not be planned for a cause validate has no rule for: buildPlan then says why.
 */
export async function requireValidPlan(opts: GlobalOptions, out: Output): Promise<ValidInput> {
  return requireValid(opts, out, { keepPlan: true });
}

/**
 * requireValidPlan with each machine kept as its JSON in spool (for plan --format json; see selectEncoded); null as
 * above. The caller owns the spool and closes it, whatever happens.
 */
export async function requireValidEncodedPlan(opts: GlobalOptions, out: Output, spool: PlanSpool): Promise<ValidInput> {
  return requireValid(opts, out, { keepPlan: true, encode: spool });
}

interface ValidInput {
  project: Project;
  plan: Plan | null;
  encoded: PlanOf<EncodedMachine> | null;
}

async function requireValid(opts: GlobalOptions, out: Output, keep: { keepPlan?: boolean; encode?: boolean | PlanSpool }): Promise<ValidInput> {
  const checked = await loadAndValidate(opts, keep);
  if (checked.errors > 0 || !checked.project) {
    out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }));
    throw inputError(`${checked.errors} error(s) in the rollout repository; nothing was planned or touched (run homeshift validate)`);
  }
  if (checked.warnings > 0) out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }));
  return { project: checked.project, plan: checked.plan, encoded: checked.encoded };
}

/**
 * For commands that read only the journal: homeshift.yaml alone (where the journal is, escalation), so that a
 * report on 16,000 PCs does not validate and plan them first. Errors in homeshift.yaml stop with exit 2.
 */
export async function requireProjectConfig(opts: GlobalOptions, out: Output): Promise<ConfigResult> {
  const loaded = await loadProjectConfig({ cwd: process.cwd(), projectDir: opts.project });
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error').length;
  if (loaded.root === null || errors > 0) {
    out.err(formatDiagnosticsText(loaded.diagnostics, { color: out.color }));
    throw inputError(`${Math.max(errors, 1)} error(s) in homeshift.yaml; nothing was read (run homeshift validate)`);
  }
  return loaded as ConfigResult;
}

/** What status reads besides the journal: the inventory and each machine's current plan hash, when the repository is valid. */
export interface StatusInputs {
  project: JournalProject;
  inventory: StatusInventory | null;
  skipped: string | null; // why stale detection was left out (an invalid repository); the journal's own machines are counted
}

export interface StatusInventory {
  sites: string[];
  machines: Selectable[]; // what a --limit selects by
  planHashes: Map<string, string>;
  complianceRoles: string[]; // the profiles that set compliance.every
}

/**
 * For status: the repository's facts (sites, machines, plan hashes) from the cache next to the journal's local state
 * when every input file is byte for byte the one they were taken from; else load and check the repository without
 * the template render pass, since a plan hash is taken over the plan's inputs (planHashes), and cache the answer.
 * An invalid repository does not stop status: it reads the journal without stale detection.
 * Errors in homeshift.yaml itself stop with exit 2, as they leave no journal to read.
 */
export async function loadStatusInputs(opts: GlobalOptions, out: Output): Promise<StatusInputs> {
  const cache = await statusCacheOf(opts);
  if (cache) {
    const facts = readRepositoryFacts(cache.file, cache.digest);
    if (facts) return statusInputsOf(cache.config, facts);
  }
  const loaded = await loadProject({ cwd: process.cwd(), projectDir: opts.project });
  const project = loaded.project;
  if (!project) return { project: await requireProjectConfig(opts, out), inventory: null, skipped: 'homeshift.yaml did not load' };
  const errors = [...loaded.diagnostics, ...validateProject(project, IN_PROCESS_RULES)].filter((d) => d.severity === 'error').length;
  let facts: RepositoryFacts;
  if (errors > 0) facts = { skipped: `${errors} error(s) in the rollout repository (run homeshift validate)` };
  else {
    const { planHashes } = await import('../plan/plan-hashes.js');
    facts = { skipped: null, sites: [...project.sites.keys()], machines: project.machines.map(selectableOf), planHashes: planHashes(project), complianceRoles: complianceRoles(project) };
  }
  if (cache) cacheFacts(cache, facts);
  return statusInputsOf(project, facts);
}

function statusInputsOf(journalProject: JournalProject, facts: RepositoryFacts): StatusInputs {
  if (facts.skipped !== null) return { project: journalProject, inventory: null, skipped: facts.skipped };
  return { project: journalProject, inventory: { sites: facts.sites, machines: facts.machines, planHashes: facts.planHashes, complianceRoles: facts.complianceRoles ?? [] }, skipped: null };
}

const complianceRoles = (project: Project): string[] => [...complianceIntervals(project).keys()].sort();

const selectableOf = ({ id, site, role, os, host, user, retire }: Selectable): Selectable => ({ id, site, role, os, host, user, ...(retire ? { retire } : {}) });

interface CacheAt {
  config: ConfigResult;
  file: string;
  digest: string; // of the inputs before they were loaded
}

/** Where status's cache of this repository is and the digest of its inputs now; null when homeshift.yaml has errors. */
async function statusCacheOf(opts: GlobalOptions): Promise<CacheAt | null> {
  const config = await loadProjectConfig({ cwd: process.cwd(), projectDir: opts.project });
  if (config.root === null || config.diagnostics.some((d) => d.severity === 'error')) return null;
  const found = config as ConfigResult;
  const digest = inputDigest(found.root, found.config);
  if (digest === null) return null;
  return { config: found, digest, file: cacheFileIn(localStateFolder(found.root, resolveJournalLocation(found.root, found.config.journal))) };
}

/** Caches facts taken from the inputs of `cache.digest`, unless a file changed while they were loaded. */
function cacheFacts(cache: CacheAt, facts: RepositoryFacts): void {
  if (statKind(dirname(cache.file)) !== 'dir') return; // see writeRepositoryFacts
  if (inputDigest(cache.config.root, cache.config.config) === cache.digest) writeRepositoryFacts(cache.file, cache.digest, facts);
}
