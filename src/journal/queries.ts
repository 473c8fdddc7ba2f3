import { normaliseMessage } from '../model/fingerprint.js';
import type { ErrorClass, RunMode } from '../model/result.js';
import { DEFAULT_ESCALATION, escalatedAt, formatAge } from './escalation.js';
import type { EscalationPolicy } from './escalation.js';
import type { CaseRecord, JournalStore, RunMachineRecord, RunRecord, StepRecord } from './store.js';

/** An open case as people read it: with its normalised cause, age and escalation at `now`. */
export interface OpenCaseView {
  machine: string;
  site: string;
  errorClass: ErrorClass | null;
  message: string | null;
  fingerprint: string | null;
  cause: string;
  attempts: number;
  owner: string | null;
  firstFailed: string;
  lastAttempt: string;
  lastRun: string;
  ageMs: number;
  age: string;
  escalated: boolean;
  escalatedAt: string | null;
}

export function viewCase(c: CaseRecord, now: Date, policy: EscalationPolicy = DEFAULT_ESCALATION): OpenCaseView {
  const ageMs = Math.max(0, now.getTime() - Date.parse(c.firstFailed));
  const at = escalatedAt(c, policy, now);
  return {
    machine: c.machine, site: c.site, errorClass: c.errorClass, message: c.message, fingerprint: c.fingerprint,
    cause: normaliseMessage(c.message ?? ''), attempts: c.attempts, owner: c.owner, firstFailed: c.firstFailed,
    lastAttempt: c.lastAttempt, lastRun: c.lastRun, ageMs, age: formatAge(ageMs), escalated: at !== null, escalatedAt: at,
  };
}

export interface SiteStatus {
  site: string;
  machines: number;
  done: number; // last result a success with the current plan
  open: number; // open cases
  neverTried: number; // no apply result yet
  stale: number; // succeeded, but the plan changed since
  escalated: number;
  cases: OpenCaseView[];
}

export interface StatusReport {
  now: string;
  sites: SiteStatus[];
  totals: Omit<SiteStatus, 'site' | 'cases'>;
}

export interface StatusOptions {
  site?: string;
  now: Date;
  planHashes?: Map<string, string>; // machine -> current plan hash, to find stale machines
  machines?: { id: string; site: string }[]; // the inventory; without it, the machines the journal knows
  escalation?: EscalationPolicy;
}

const emptyCounts = (): Omit<SiteStatus, 'site' | 'cases'> => ({ machines: 0, done: 0, open: 0, neverTried: 0, stale: 0, escalated: 0 });

/** Per site: done, open cases (with owner, age, attempts, escalation), never tried, stale. */
export async function statusBySite(store: JournalStore, options: StatusOptions): Promise<StatusReport> {
  const openCases = await store.listCases({ status: 'open' });
  const states = new Map((await store.listMachineStates()).map((s) => [s.machine, s]));
  const known = new Map<string, string>(); // machine -> site
  if (options.machines) {
    for (const m of options.machines) known.set(m.id, m.site);
  } else {
    for (const r of await store.listRunMachines({})) known.set(r.machine, r.site);
    for (const s of states.values()) known.set(s.machine, s.site);
  }
  const open = new Map(openCases.map((c) => [c.machine, c]));
  for (const c of openCases) if (!known.has(c.machine)) known.set(c.machine, c.site);

  const sites = new Map<string, SiteStatus>();
  for (const [machine, site] of known) {
    if (options.site && site !== options.site) continue;
    const entry = sites.get(site) ?? { site, ...emptyCounts(), cases: [] };
    sites.set(site, entry);
    entry.machines++;
    const c = open.get(machine);
    const state = states.get(machine);
    if (c) {
      const view = viewCase(c, options.now, options.escalation);
      entry.open++;
      if (view.escalated) entry.escalated++;
      entry.cases.push(view);
    } else if (!state) entry.neverTried++;
    else if (options.planHashes?.has(machine) && options.planHashes.get(machine) !== state.lastSuccessPlanHash) entry.stale++;
    else entry.done++;
  }
  const list = [...sites.values()].sort((a, b) => a.site.localeCompare(b.site));
  const totals = emptyCounts();
  for (const s of list) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += s[key];
    s.cases.sort((a, b) => a.machine.localeCompare(b.machine));
  }
  return { now: options.now.toISOString(), sites: list, totals };
}

export interface ErrorGroup {
  fingerprint: string;
  errorClass: ErrorClass | null;
  cause: string;
  count: number;
  machines: string[]; // the first five, sorted
  sites: string[];
  owners: string[];
  escalated: number;
  firstFailed: string; // the oldest case of the group
}

export type ErrorList =
  | { grouped: false; now: string; cases: OpenCaseView[] }
  | { grouped: true; now: string; groups: ErrorGroup[] };

export interface ErrorOptions {
  group?: boolean;
  class?: ErrorClass;
  site?: string;
  run?: string; // only cases whose last attempt was in this run
  now: Date;
  escalation?: EscalationPolicy;
}

/** Open cases, one row each, or grouped by fingerprint (largest group first). */
export async function listErrors(store: JournalStore, options: ErrorOptions): Promise<ErrorList> {
  const cases = await store.listCases({ status: 'open', errorClass: options.class, site: options.site, lastRun: options.run });
  const views = cases.map((c) => viewCase(c, options.now, options.escalation));
  const now = options.now.toISOString();
  if (!options.group) return { grouped: false, now, cases: views };
  const groups = new Map<string, { views: OpenCaseView[] }>();
  for (const v of views) {
    const key = v.fingerprint ?? `${v.errorClass ?? 'error'}:unknown`;
    const g = groups.get(key) ?? { views: [] };
    g.views.push(v);
    groups.set(key, g);
  }
  const list: ErrorGroup[] = [...groups].map(([fingerprint, { views: vs }]) => ({
    fingerprint,
    errorClass: vs[0].errorClass,
    cause: vs[0].cause,
    count: vs.length,
    machines: vs.map((v) => v.machine).sort().slice(0, 5),
    sites: [...new Set(vs.map((v) => v.site))].sort(),
    owners: [...new Set(vs.map((v) => v.owner).filter((o): o is string => o !== null))].sort(),
    escalated: vs.filter((v) => v.escalated).length,
    firstFailed: vs.map((v) => v.firstFailed).sort()[0],
  }));
  list.sort((a, b) => b.count - a.count || a.fingerprint.localeCompare(b.fingerprint));
  return { grouped: true, now, groups: list };
}

export interface MachineAttempt extends RunMachineRecord {
  mode: RunMode;
  runStartedAt: string;
  who: string;
  commandLine: string;
  steps: StepRecord[];
}

export interface MachineLog {
  machine: string;
  site: string | null;
  case: CaseRecord | null;
  attempts: MachineAttempt[]; // oldest first
}

/** Every attempt (run) of one machine with every step, chronological. */
export async function machineLog(store: JournalStore, machineId: string): Promise<MachineLog> {
  const rows = await store.listRunMachines({ machine: machineId });
  const runs = new Map<string, RunRecord | null>();
  const attempts: MachineAttempt[] = [];
  for (const row of rows) {
    if (!runs.has(row.runId)) runs.set(row.runId, await store.getRun(row.runId));
    const run = runs.get(row.runId);
    if (!run) continue;
    const steps = await store.listStepResults(row.runId, machineId);
    attempts.push({ ...row, mode: run.mode, runStartedAt: run.startedAt, who: run.who, commandLine: run.commandLine, steps });
  }
  const [found] = await store.listCases({ machine: machineId });
  return { machine: machineId, site: found?.site ?? rows.at(-1)?.site ?? null, case: found ?? null, attempts };
}

export interface RerunOptions {
  class?: ErrorClass;
  cause?: string; // a fingerprint, a prefix of one, or its 8-hex hash
  site?: string;
}

/** Machines with open cases matching the filters, sorted: what `rerun --failed` re-runs. */
export async function selectRerun(store: JournalStore, options: RerunOptions = {}): Promise<string[]> {
  const cases = await store.listCases({ status: 'open', errorClass: options.class, site: options.site });
  const cause = options.cause?.trim();
  const matches = (fp: string | null): boolean => !cause || (fp !== null && (fp.startsWith(cause) || fp.endsWith(`:${cause}`)));
  return cases.filter((c) => matches(c.fingerprint)).map((c) => c.machine).sort();
}

/** Machines with an open case: the `@failed` selector. */
export async function openCaseMachines(store: JournalStore): Promise<Set<string>> {
  return new Set((await store.listCases({ status: 'open' })).map((c) => c.machine));
}

/** The run `rollout --resume` continues, or null. */
export async function findResumableRun(store: JournalStore): Promise<RunRecord | null> {
  return store.findResumableRun();
}

/** Machine ids of a run that never finished (pending or interrupted), by wave then id. */
export async function pendingMachines(store: JournalStore, runId: string): Promise<string[]> {
  return (await store.pendingMachines(runId)).map((m) => m.machine);
}

/** Open cases right after one apply run: a point of the burn-down. */
export interface BurnDownPoint {
  runId: string;
  at: string; // when the run finished (or its last machine did; its start when nothing finished)
  open: number;
}

/** Open cases after each apply run, oldest run first: failures open a case, successes close it (as the store does). */
export async function openCasesOverTime(store: JournalStore): Promise<BurnDownPoint[]> {
  const runs = (await store.listRuns({ mode: 'apply' })).reverse();
  const rowsByRun = new Map<string, RunMachineRecord[]>();
  for (const row of await store.listRunMachines({})) {
    const rows = rowsByRun.get(row.runId) ?? [];
    rows.push(row);
    rowsByRun.set(row.runId, rows);
  }
  const open = new Set<string>();
  const points: BurnDownPoint[] = [];
  for (const run of runs) {
    let last = run.startedAt;
    for (const row of rowsByRun.get(run.id) ?? []) {
      if (row.status === 'failed' || row.status === 'unreachable') open.add(row.machine);
      else if (row.status === 'ok' || row.status === 'changed') open.delete(row.machine);
      if (row.finishedAt && row.finishedAt > last) last = row.finishedAt;
    }
    points.push({ runId: run.id, at: run.finishedAt ?? last, open: open.size });
  }
  return points;
}

/** A machine's newest finished result, with the run it came from. */
export interface LastResult extends RunMachineRecord {
  mode: RunMode;
  runStartedAt: string;
}

/** The newest finished (not pending) result of every machine the journal knows. */
export async function lastResults(store: JournalStore): Promise<Map<string, LastResult>> {
  const runs = new Map((await store.listRuns()).map((r) => [r.id, r]));
  const last = new Map<string, LastResult>();
  for (const row of await store.listRunMachines({})) {
    const run = runs.get(row.runId);
    if (row.status === 'pending' || !run) continue;
    last.set(row.machine, { ...row, mode: run.mode, runStartedAt: run.startedAt });
  }
  return last;
}

/** One owner and the open cases they own: escalated first, then the oldest. */
export interface SupporterWorklist {
  owner: string; // "Name <email>", or "(no owner)"
  escalated: number;
  cases: OpenCaseView[];
}

/** Open cases grouped by owner; owners with escalations first, then by the number of cases. */
export function groupWorklists(cases: OpenCaseView[]): SupporterWorklist[] {
  const byOwner = new Map<string, OpenCaseView[]>();
  for (const c of cases) {
    const owner = c.owner ?? '(no owner)';
    const list = byOwner.get(owner) ?? [];
    list.push(c);
    byOwner.set(owner, list);
  }
  const lists = [...byOwner].map(([owner, list]) => ({
    owner,
    escalated: list.filter((c) => c.escalated).length,
    cases: list.sort((a, b) => Number(b.escalated) - Number(a.escalated) || b.ageMs - a.ageMs || a.machine.localeCompare(b.machine)),
  }));
  return lists.sort((a, b) => b.escalated - a.escalated || b.cases.length - a.cases.length || a.owner.localeCompare(b.owner));
}
