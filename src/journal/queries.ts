import { adviceFor, type Advice } from '../model/advice.js';
import { causePattern } from '../model/fingerprint.js';
import { editDistance } from '../model/suggest.js';
import type { ErrorClass, RunMode } from '../model/result.js';
import { describeInvoker, processAlive } from './invoker.js';
import { DEFAULT_ESCALATION, escalatedAt, escalationRule, formatAge, isOverdue } from './escalation.js';
import type { EscalationPolicy } from './escalation.js';
import type { AttemptRecord, BurnDownPoint, CaseEvent, CauseGroup, CaseRecord, JournalStore, LastResultRecord, RunRecord, StepRecord } from './store.js';

/** An open case as people read it: with its normalised cause, age and escalation at `now`. */
export interface OpenCaseView {
  machine: string;
  site: string;
  errorClass: ErrorClass | null;
  message: string | null; // the concrete message: what people read first
  fingerprint: string | null;
  cause: string; // the message's pattern (ids, hosts, numbers as <placeholders>): the cause's key
  whatToDo: string; // adviceFor's sentence
  who: Advice['who']; // who usually acts
  attempts: number;
  owner: string | null;
  dueAt: string | null; // when the owner must have reacted (routing's reactWithin); null: no reaction time
  overdue: boolean; // open past its due time
  firstFailed: string;
  lastAttempt: string;
  lastRun: string | null;
  ageMs: number;
  age: string;
  escalated: boolean;
  escalatedAt: string | null;
  note?: string; // the newest note on the case (case note), with who wrote it
}

/** The newest note of each machine's case, "text (who)". */
export async function latestNotes(store: JournalStore): Promise<Map<string, string>> {
  const notes = new Map<string, string>();
  for (const e of await store.caseEvents()) if (e.kind === 'note' && e.text) notes.set(e.machine, e.who ? `${e.text} (${e.who})` : e.text);
  return notes;
}

function withNote(view: OpenCaseView, notes: Map<string, string>): OpenCaseView {
  const note = notes.get(view.machine);
  return note === undefined ? view : { ...view, note };
}

export function viewCase(c: CaseRecord, now: Date, policy: EscalationPolicy = DEFAULT_ESCALATION): OpenCaseView {
  const ageMs = Math.max(0, now.getTime() - Date.parse(c.firstFailed));
  const at = escalatedAt(c, policy, now);
  return {
    machine: c.machine, site: c.site, errorClass: c.errorClass, message: c.message, fingerprint: c.fingerprint,
    cause: causePattern(c.errorClass, c.message), ...whatToDo(c.errorClass, c.message), attempts: c.attempts, owner: c.owner, dueAt: c.dueAt, overdue: isOverdue(c, now), firstFailed: c.firstFailed,
    lastAttempt: c.lastAttempt, lastRun: c.lastRun, ageMs, age: formatAge(ageMs), escalated: at !== null, escalatedAt: at,
  };
}

/** Overdue cases first, the longest overdue first; the rest keep their order. */
export function overdueFirst(a: Pick<OpenCaseView, 'overdue' | 'dueAt'>, b: Pick<OpenCaseView, 'overdue' | 'dueAt'>): number {
  if (a.overdue !== b.overdue) return a.overdue ? -1 : 1;
  return a.overdue ? Date.parse(a.dueAt!) - Date.parse(b.dueAt!) : 0;
}

export interface SiteStatus {
  site: string;
  machines: number;
  done: number; // last result a success with the current plan
  open: number; // open cases
  neverTried: number; // no apply result yet, and no unfinished run holds it
  unfinished: number; // no result yet from the unfinished run it is in (kill -9, Ctrl-C): rollout --resume
  stale: number; // succeeded, but the plan changed since
  escalated: number;
  cases: OpenCaseView[];
  rebootPending?: string[]; // PCs waiting for a restart (msiexec 3010/1641), by id
}

export interface StatusReport {
  now: string;
  sites: SiteStatus[];
  totals: Omit<SiteStatus, 'site' | 'cases' | 'rebootPending'>;
  rebootPending?: number; // PCs of all sites waiting for a restart
  retired?: { machines: number; holding: string[] }; // inventory PCs with retire: true; holding: still have parts homeshift put on them
  runs: RunInProgress[]; // not finished: in progress, interrupted, or stopped
}

export interface StatusOptions {
  site?: string;
  now: Date;
  planHashes?: Map<string, string>; // machine -> current plan hash, to find stale machines of the inventory
  machines?: { id: string; site: string; retire?: true }[]; // the inventory; without it, the machines the journal knows (none stale)
  only?: boolean; // machines is a selection (--limit): nothing about other machines is counted or listed
  escalation?: EscalationPolicy;
  owner?: (owner: string | null) => boolean; // --owner: only these owners' cases are listed (the counts stay the site's)
}

const emptyCounts = (): Omit<SiteStatus, 'site' | 'cases' | 'rebootPending'> => ({ machines: 0, done: 0, open: 0, neverTried: 0, unfinished: 0, stale: 0, escalated: 0 });

/** Per site: done, open cases (with owner, age, attempts, escalation), never tried, stale; counted by the store. */
export async function statusBySite(store: JournalStore, options: StatusOptions): Promise<StatusReport> {
  const policy = options.escalation ?? DEFAULT_ESCALATION;
  const machines = options.machines?.map((m) => ({ id: m.id, site: m.site, planHash: options.planHashes?.get(m.id) }));
  // independent reads: a PostgreSQL journal answers them side by side, on connections of its pool
  const [counts, openCases, reboots, runs, notes] = await Promise.all([
    store.countBySite({ machines, only: options.only, site: options.site, escalation: escalationRule(policy, options.now) }),
    store.listCases({ status: 'open' }), store.rebootPending(), runsInProgress(store), latestNotes(store),
  ]);
  const inventorySite = new Map(options.machines?.map((m) => [m.id, m.site]));
  const sites = new Map<string, SiteStatus>(counts.map((c) => [c.site, { ...c, cases: [], rebootPending: [] }]));
  for (const c of openCases) {
    if (options.only && !inventorySite.has(c.machine)) continue;
    if (options.owner && !options.owner(c.owner)) continue;
    sites.get(inventorySite.get(c.machine) ?? c.site)?.cases.push(withNote(viewCase(c, options.now, policy), notes));
  }
  let rebootPending = 0;
  for (const r of reboots) {
    if (options.machines && !inventorySite.has(r.machine)) continue;
    const site = sites.get(inventorySite.get(r.machine) ?? r.site);
    if (!site) continue;
    site.rebootPending?.push(r.machine);
    rebootPending += 1;
  }
  const list = [...sites.values()].sort((a, b) => a.site.localeCompare(b.site));
  const totals = emptyCounts();
  for (const s of list) {
    for (const key of Object.keys(totals) as (keyof typeof totals)[]) totals[key] += s[key];
    s.cases.sort((a, b) => overdueFirst(a, b) || a.machine.localeCompare(b.machine));
  }
  const retiredIds = (options.machines ?? []).filter((m) => m.retire).map((m) => m.id).filter((id) => !options.site || inventorySite.get(id) === options.site);
  const retired = retiredIds.length ? { machines: retiredIds.length, holding: await holdingParts(store, retiredIds) } : undefined;
  return { now: options.now.toISOString(), sites: list, totals, rebootPending, ...(retired ? { retired } : {}), runs };
}

/** Of these PCs, those the journal says still have something homeshift put on them (not only checks). */
async function holdingParts(store: JournalStore, machines: string[]): Promise<string[]> {
  const states = await store.listRemovable(machines); // without the files' texts
  return states.filter((s) => s.steps.some((step) => !step.step.startsWith('check:'))).map((s) => s.machine).sort();
}

/** A run that has not finished, as status shows it. */
export interface RunInProgress {
  id: string;
  mode: RunMode;
  who: string; // user@host
  startedAt: string;
  done: number;
  total: number;
  lastResultAt: string | null;
  // ended: its controller finished but left PCs pending that another run held (busy); stopped: no finish recorded and
  // its leases have expired, or every process holding them on this control machine is gone (kill -9, a crash)
  state: 'running' | 'interrupted' | 'halted' | 'ended' | 'stopped';
  liveLeases: number | null;
  resume: string | null; // the command that finishes it
}

export const RESUME_COMMAND = 'homeshift rollout --resume';

/** Runs in progress and runs left unfinished, newest first; the one `rollout --resume` would take names the command. */
export async function runsInProgress(store: JournalStore): Promise<RunInProgress[]> {
  const runs = await store.unfinishedRuns();
  if (runs.length === 0) return [];
  const resumable = await store.findResumableRun();
  const leases = runs.some((r) => (r.liveLeases ?? 0) > 0) ? await store.listLeases() : [];
  const me = describeInvoker();
  // Leases outlive a killed controller until they expire; one of this machine whose pid is gone is not running.
  const controllerGone = (runId: string): boolean => {
    const held = leases.filter((l) => l.holder.runId === runId);
    return held.length > 0 && held.every((l) => l.holder.who === me && !processAlive(l.holder.pid));
  };
  return runs.map((r) => {
    const stopped = r.done < r.total && (r.liveLeases === 0 || controllerGone(r.id));
    const state = r.outcome === 'interrupted' || r.outcome === 'halted' ? r.outcome : r.outcome !== null ? 'ended' : stopped ? 'stopped' : 'running';
    return {
      id: r.id, mode: r.mode, who: r.who, startedAt: r.startedAt, done: r.done, total: r.total, lastResultAt: r.lastResultAt, state,
      liveLeases: r.liveLeases, resume: resumable?.id === r.id ? RESUME_COMMAND : null,
    };
  });
}

/** A cause group as people read it: one concrete example message, its pattern (the key) and what to do. */
export interface ErrorGroup extends Omit<CauseGroup, 'message'> {
  example: string; // the message of the group's first machine, as the PC or the transport said it
  cause: string; // its pattern
  whatToDo: string;
  who: Advice['who'];
}

export type ErrorList =
  | { grouped: false; now: string; cases: OpenCaseView[] }
  | { grouped: true; now: string; groups: ErrorGroup[] };

export interface ErrorOptions {
  group?: boolean;
  class?: ErrorClass;
  site?: string;
  run?: string; // only cases whose last attempt was in this run
  machines?: string[]; // only the cases of these machines (a --limit)
  owner?: (owner: string | null) => boolean; // only the cases of these owners (--owner)
  escalated?: boolean; // only escalated cases
  now: Date;
  escalation?: EscalationPolicy;
}

function whatToDo(errorClass: ErrorClass | null, message: string | null): { whatToDo: string; who: Advice['who'] } {
  const advice = adviceFor(errorClass, message);
  return { whatToDo: advice.text, who: advice.who };
}

/** Open cases, one row each, or grouped by fingerprint in the store (largest group first). */
export async function listErrors(store: JournalStore, options: ErrorOptions): Promise<ErrorList> {
  const now = options.now.toISOString();
  const policy = options.escalation ?? DEFAULT_ESCALATION;
  const owned = options.owner;
  if (!options.group) {
    const only = options.machines ? new Set(options.machines) : null;
    const [open, notes] = await Promise.all([store.listCases({ status: 'open', errorClass: options.class, site: options.site, lastRun: options.run }), latestNotes(store)]);
    const cases = open.filter((c) => (!only || only.has(c.machine)) && (!owned || owned(c.owner)))
      .map((c) => withNote(viewCase(c, options.now, policy), notes))
      .filter((c) => !options.escalated || c.escalated);
    return { grouped: false, now, cases: cases.sort(overdueFirst) };
  }
  let machines = options.machines;
  if (owned) {
    const only = machines ? new Set(machines) : null;
    machines = (await store.listCases({ status: 'open' })).filter((c) => owned(c.owner) && (!only || only.has(c.machine))).map((c) => c.machine);
  }
  const groups = await store.groupOpenCases({
    errorClass: options.class, site: options.site, lastRun: options.run, machines, escalation: escalationRule(policy, options.now),
  });
  const list: ErrorGroup[] = groups.map((g) => ({
    fingerprint: g.fingerprint, errorClass: g.errorClass, example: g.message ?? '', cause: causePattern(g.errorClass, g.message),
    ...whatToDo(g.errorClass, g.message), count: g.count,
    machines: g.machines, sites: g.sites, owners: g.owners, escalated: g.escalated, overdue: g.overdue, dueAt: g.dueAt, firstFailed: g.firstFailed,
  }));
  list.sort((a, b) => Number(b.overdue > 0) - Number(a.overdue > 0) || b.count - a.count || a.fingerprint.localeCompare(b.fingerprint));
  return { grouped: true, now, groups: list };
}

export interface MachineAttempt extends AttemptRecord {
  steps: StepRecord[];
}

export interface MachineLog {
  machine: string;
  site: string | null;
  case: CaseRecord | null;
  caseEvents: CaseEvent[]; // the case's history, oldest first
  attempts: MachineAttempt[]; // oldest first
}

/** Every attempt (run) of one machine with every step, and its case's history, chronological: three store calls whatever its history. */
export async function machineLog(store: JournalStore, machineId: string): Promise<MachineLog> {
  const [history, [found], caseEvents] = await Promise.all([store.machineHistory(machineId), store.listCases({ machine: machineId }), store.caseEvents(machineId)]);
  const stepsByRun = new Map<string, StepRecord[]>();
  for (const s of history.steps) {
    const list = stepsByRun.get(s.runId) ?? [];
    list.push(s);
    stepsByRun.set(s.runId, list);
  }
  const attempts = history.attempts.map((a) => ({ ...a, steps: stepsByRun.get(a.runId) ?? [] }));
  return { machine: machineId, site: found?.site ?? attempts.at(-1)?.site ?? null, case: found ?? null, caseEvents, attempts };
}

export interface RerunOptions {
  class?: ErrorClass;
  cause?: string; // a fingerprint, a prefix of one, or its 8-hex hash
  site?: string;
}

/** A --cause that names no open cause, or several: the message lists what it could mean. */
export class CauseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CauseError';
  }
}

const namesCause = (fp: string, cause: string): boolean => fp.startsWith(cause) || fp.endsWith(`:${cause}`);

/** The fingerprints whose start or hash is nearest to what was typed. */
function nearestCauses(known: string[], cause: string): string[] {
  const typed = cause.toLowerCase();
  const far = (fp: string) => Math.min(editDistance(typed, fp.slice(0, typed.length).toLowerCase()), editDistance(typed, fp.split(':').at(-1)!.toLowerCase()));
  return known.map((fp) => ({ fp, d: far(fp) })).sort((a, b) => a.d - b.d || a.fp.localeCompare(b.fp)).slice(0, 3).map((x) => x.fp);
}

/** The one open fingerprint a --cause names (whole, a prefix, or its hash); none or several is a CauseError. */
export function resolveCause(fingerprints: Iterable<string>, cause: string): string {
  const known = [...new Set(fingerprints)].sort();
  if (known.includes(cause)) return cause;
  const matches = known.filter((fp) => namesCause(fp, cause));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new CauseError(`--cause ${cause} matches ${matches.length} causes; name one of them:\n${matches.map((m) => `  ${m}`).join('\n')}`);
  }
  const hint = known.length > 0 ? `; did you mean ${nearestCauses(known, cause).join(', ')}?` : ' (there are no open cases)';
  throw new CauseError(`--cause ${cause}: no open case has this cause${hint} (homeshift errors --group lists them)`);
}

/** Machines with open cases matching the filters, sorted: what `rerun --failed` re-runs. */
export async function selectRerun(store: JournalStore, options: RerunOptions = {}): Promise<string[]> {
  const cause = options.cause?.trim();
  const fingerprint = cause ? resolveCause((await store.listCases({ status: 'open' })).flatMap((c) => (c.fingerprint ? [c.fingerprint] : [])), cause) : null;
  const cases = await store.listCases({ status: 'open', errorClass: options.class, site: options.site });
  return cases.filter((c) => fingerprint === null || c.fingerprint === fingerprint).map((c) => c.machine).sort();
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

/** Open cases after each apply run, oldest run first: failures open a case, successes close it (as the store does). */
export async function openCasesOverTime(store: JournalStore): Promise<BurnDownPoint[]> {
  return store.burnDown();
}

/** A machine's newest finished result, with the run it came from (and its first failing step). */
export type LastResult = LastResultRecord;

/** The newest finished (not pending) result of every machine the journal knows. */
export async function lastResults(store: JournalStore): Promise<Map<string, LastResult>> {
  return new Map((await store.lastResults()).map((r) => [r.machine, r]));
}

/** One owner and the open cases they own: overdue first, then escalated, then the oldest. */
export interface SupporterWorklist {
  owner: string; // "Name <email>", or "(no owner)"
  escalated: number;
  overdue: number;
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
    overdue: list.filter((c) => c.overdue).length,
    cases: list.sort((a, b) => overdueFirst(a, b) || Number(b.escalated) - Number(a.escalated) || b.ageMs - a.ageMs || a.machine.localeCompare(b.machine)),
  }));
  return lists.sort((a, b) => b.overdue - a.overdue || b.escalated - a.escalated || b.cases.length - a.cases.length || a.owner.localeCompare(b.owner));
}
