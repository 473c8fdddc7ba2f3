/**
 * One sweep of `homeshift keep`: find the PCs that need work, probe them cheaply, and run those that answer
 * through the same path as a rollout (runRollout: leases, journal, routing, the threshold per sweep). A PC that
 * does not answer gets "not seen since" in the journal and is probed again after a per-PC, capped backoff: it
 * never gets a result, so its attempts do not rise and it does not escalate for being off. One not seen for longer
 * than keep.offlineCaseAfter gets an offline case for its site's supporters instead (journal/offline-cases.ts).
 */
import type { JournalStore, ParkRecord, PresenceRecord, PresenceUpdate } from '../journal/index.js';
import type { NotSeenPc, OfflineCaseChanges } from '../journal/offline-cases.js';
import { DEFAULT_OFFLINE_AFTER, notSeenFor, type OfflineAfter } from '../model/offline-after.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import { checksOnly, complianceDue } from './compliance-due.js';
import { mayAskForReboot } from '../plan/reboot-step.js';
import type { DisturbGate } from './disturb-gate.js';
import { probeMachines } from './probe.js';
import { runRollout, type RolloutHooks, type RolloutRequest, type RolloutSummary } from './rollout.js';

export type WorkReason = 'open-case' | 'never-tried' | 'stale' | 'deferred' | 'reboot-pending' | 'compliance-due';

export interface KeepSweepRequest extends Omit<RolloutRequest, 'plan' | 'resumeRunId'> {
  fullPlan: Plan; // every machine keep looks after, planned
  subPlan: (machines: MachinePlan[]) => Plan; // the plan of the machines this sweep runs
  probeTimeoutMs: number;
  backoff: { baseMs: number; capMs: number }; // after n+1 misses in a row a PC waits min(cap, base * (2^n - 1)) before its next probe
  complianceEvery?: Map<string, number>; // per profile: how often its checks run again (complianceIntervals)
  offlineCaseAfter?: OfflineAfter; // a due PC not seen this long gets an offline case (default 3 working days)
  now?: () => Date;
  inFlight?: ReadonlySet<string>; // PCs an earlier sweep's run is still working on: neither probed nor run again
  onProbed?: (seen: readonly string[]) => void; // the probes are in and these PCs are about to run
  disturb?: KeepDisturb; // windows of time; without it disturbing steps run whenever a PC is run, and nothing restarts
  removals?: (plan: Plan) => Promise<Plan>; // the plan with removal steps from the journal's applied states
}

/** Windows of time in keep: the gate, and how a plan gets its restart steps (withRebootSteps, bound to the project). */
export interface KeepDisturb {
  gate: DisturbGate;
  addReboots: (plan: Plan, wanted: (m: MachinePlan) => boolean, pending: ReadonlySet<string>) => Plan;
}

export interface SweepSummary {
  startedAt: string; // when the sweep began: its probes went out after this
  due: Record<WorkReason, number>; // PCs that need work, by their first reason
  parked: string[]; // due but parked until a later date
  waiting: string[]; // due but in their backoff after unanswered probes
  deferred: { machine: string; reason: string }[]; // due only for disturbing steps (or a restart) while their site's window is closed
  running: string[]; // due but still in an earlier sweep's run
  seen: string[];
  unseen: string[];
  offline: OfflineCaseChanges; // offline cases opened (not seen for too long) and closed (seen again) by this sweep
  run: RolloutSummary | null; // null: nobody to run
  checked: RolloutSummary | null; // the check run of the PCs due only for their compliance check; null: none
}

/** Which machines of the plan need work, and why (the first reason that applies); `rebootIds`: the PCs that wait for a reboot. */
export async function findWork(req: Pick<KeepSweepRequest, 'fullPlan' | 'store' | 'complianceEvery'>, now: Date, rebootIds: ReadonlySet<string>): Promise<Map<string, WorkReason>> {
  const every = req.complianceEvery ?? new Map<string, number>();
  const [open, states, compliance, deferred] = await Promise.all([
    req.store.listCases({ status: 'open' }), req.store.listMachineStates(), every.size > 0 ? req.store.listCompliance() : [], req.store.listDeferred(),
  ]);
  const deferredIds = new Set(deferred.map((d) => d.machine));
  const lastCheck = new Map(compliance.map((c) => [c.machine, c]));
  const openIds = new Set(open.map((c) => c.machine));
  const lastHash = new Map(states.map((s) => [s.machine, s.lastSuccessPlanHash]));
  const work = new Map<string, WorkReason>();
  for (const m of req.fullPlan.machines) {
    const id = m.machine.id;
    const hash = lastHash.get(id);
    if (openIds.has(id)) work.set(id, 'open-case');
    else if (hash === undefined) work.set(id, 'never-tried');
    else if (hash !== m.hash) work.set(id, 'stale');
    else if (deferredIds.has(id)) work.set(id, 'deferred');
    else if (rebootIds.has(id)) work.set(id, 'reboot-pending');
    else if (complianceDue(m, every, lastCheck.get(id), now)) work.set(id, 'compliance-due');
  }
  return work;
}

/** The parks in force at `now`, by machine. */
export async function parkedNow(store: JournalStore, now: Date): Promise<Map<string, ParkRecord>> {
  return new Map((await store.listParks()).filter((p) => Date.parse(p.until) > now.getTime()).map((p) => [p.machine, p]));
}

export function backoffMs(misses: number, backoff: { baseMs: number; capMs: number }): number {
  return Math.min(backoff.capMs, backoff.baseMs * (2 ** Math.min(misses, 30) - 1));
}

export async function keepSweep(req: KeepSweepRequest, hooks: RolloutHooks = {}): Promise<SweepSummary> {
  const now = (req.now ?? (() => new Date()))();
  const { store } = req;
  const pending = new Set((await store.rebootPending()).map((r) => r.machine));
  const [work, parkedUntil, presence] = await Promise.all([findWork(req, now, pending), parkedNow(store, now), store.listPresence()]);
  // A PC due only for what waits for its window is not even probed while the window is closed.
  const closed = (m: MachinePlan, reason: WorkReason): string | null =>
    req.disturb && (reason === 'deferred' || reason === 'reboot-pending') ? req.disturb.gate.closedBecause(m.machine.site, now) : null;
  const byId = new Map(presence.map((p) => [p.machine, p]));
  const due: Record<WorkReason, number> = { 'open-case': 0, 'never-tried': 0, stale: 0, deferred: 0, 'reboot-pending': 0, 'compliance-due': 0 };
  const deferred: SweepSummary['deferred'] = [];
  const parked: string[] = [];
  const waiting: string[] = [];
  const running: string[] = [];
  const toProbe: MachinePlan[] = [];
  for (const m of req.fullPlan.machines) {
    const reason = work.get(m.machine.id);
    if (!reason) continue;
    due[reason]++;
    const next = byId.get(m.machine.id)?.nextProbeAt;
    if (req.inFlight?.has(m.machine.id)) running.push(m.machine.id);
    else if (parkedUntil.has(m.machine.id)) parked.push(m.machine.id);
    else if (next && Date.parse(next) > now.getTime()) waiting.push(m.machine.id);
    else if (closed(m, reason) !== null) deferred.push({ machine: m.machine.id, reason: closed(m, reason)! });
    else toProbe.push(m);
  }
  const idle = { startedAt: now.toISOString(), due, parked, waiting, deferred, running, seen: [], run: null, checked: null };
  if (hooks.softStop?.aborted) return { ...idle, unseen: [], offline: { opened: [], closed: [] } };

  const answers = await probeMachines(toProbe.map((m) => ({ id: m.machine.id, host: m.machine.host, port: m.machine.port })), { timeoutMs: req.probeTimeoutMs });
  const at = new Date().toISOString();
  const updates: PresenceUpdate[] = toProbe.map((m) => {
    const seen = answers.get(m.machine.id) === true;
    const misses = byId.get(m.machine.id)?.misses ?? 0;
    const wait = seen ? 0 : backoffMs(misses, req.backoff); // the first miss is probed again next sweep
    return { machine: m.machine.id, site: m.machine.site, seen, at, nextProbeAt: seen || wait <= 0 ? null : new Date(Date.now() + wait).toISOString() };
  });
  const seen = toProbe.filter((m) => answers.get(m.machine.id) === true);
  const unseen = toProbe.filter((m) => answers.get(m.machine.id) !== true).map((m) => m.machine.id);
  const seenIds = seen.map((m) => m.machine.id);
  const away = notSeenLong(req, [...unseen, ...waiting], byId, now);
  const offline = await store.recordPresence(updates, { notSeen: away, context: req.cases });
  if (seen.length === 0 || hooks.softStop?.aborted) return { ...idle, unseen, offline };
  req.onProbed?.(seenIds);
  // PCs due only for their checks get a check run of the checks alone: read-only, no leases, nothing changed
  const toCheck = seen.filter((m) => work.get(m.machine.id) === 'compliance-due');
  const toRun = seen.filter((m) => work.get(m.machine.id) !== 'compliance-due');
  const planned = toRun.length > 0 ? (req.removals ? await req.removals(req.subPlan(toRun)) : req.subPlan(toRun)) : null;
  const run = planned ? await runRollout({ ...req, plan: disturbing(req, planned, pending, now) }, hooks) : null;
  const checked = toCheck.length > 0 && !hooks.softStop?.aborted
    ? await runRollout({ ...req, settings: { ...req.settings, check: true }, plan: checksOnly(req.subPlan(toCheck)) }, hooks)
    : null;
  return { startedAt: now.toISOString(), due, parked, waiting, deferred, running, seen: seenIds, unseen, offline, run, checked };
}

/**
 * The PCs of `ids` (due, not parked, not answering) not seen for keep.offlineCaseAfter: each gets an offline case
 * unless it has an open case already. A PC whose first miss is this sweep's has no record yet and is not away long.
 */
function notSeenLong(req: KeepSweepRequest, ids: string[], presence: Map<string, PresenceRecord>, now: Date): NotSeenPc[] {
  const after = req.offlineCaseAfter ?? DEFAULT_OFFLINE_AFTER;
  const site = new Map(req.fullPlan.machines.map((m) => [m.machine.id, m.machine.site]));
  const away: NotSeenPc[] = [];
  for (const id of ids) {
    const since = presence.get(id)?.unseenSince;
    const message = since ? notSeenFor(after, new Date(since), now) : null;
    if (since && message) away.push({ machine: id, site: site.get(id)!, since, at: now.toISOString(), message });
  }
  return away;
}

/** The sweep's plan with restart steps where a site has a window and a PC waits (or may ask) for a reboot, gated for `now`. */
function disturbing(req: KeepSweepRequest, plan: Plan, pending: ReadonlySet<string>, now: Date): Plan {
  if (!req.disturb) return plan;
  const { gate, addReboots } = req.disturb;
  const wanted = (m: MachinePlan) => gate.ruleFor(m.machine.site) !== null && (pending.has(m.machine.id) || mayAskForReboot(m));
  return gate.apply(addReboots(plan, wanted, pending), now);
}
