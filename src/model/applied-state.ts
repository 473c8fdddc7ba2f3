import { createHash } from 'node:crypto';
import { GATE_VARS, REBOOT_STEP_ID, type MachinePlan, type Plan, type PlannedStep } from './plan.js';
import type { MachineResult } from './result.js';

/**
 * What homeshift put on a PC, as the journal remembers it: per step that succeeded, the step as it was applied (its
 * script, vars, the files it wrote with their hashes) and the packages it installed and how. A step that is no longer
 * planned stays here until it is taken away; what a newer version of a step no longer installs or writes is kept as
 * `leftBehind` of that step. Secrets never appear: files are kept as their planned text, where a secret is still a
 * placeholder, so that what changed since can be shown line by line.
 */
export interface InstalledPackage {
  via: 'winget' | 'apt' | 'deb' | 'msi' | 'exe';
  id: string; // winget id, apt or deb package, MSI product code, EXE package name
  version: string;
  name?: string; // the bundle's package name (MSI, EXE)
  detect?: string; // EXE: how it is found again (file PATH, uninstall-key KEY, display-name PATTERN)
  uninstall?: string; // EXE: the bundle's uninstall command line, where it gave one
  // homeshift: a run of this step installed it (the PC said so); found: it was on the PC at the version already, so
  // it is never removed. Records from before the PCs said so have neither and count as found.
  by?: 'homeshift' | 'found';
}

/** The key of a package in records and in what a PC reports it installed. */
export const packageKey = (p: { via: string; id: string }) => `${p.via}\t${p.id}`;

export interface AppliedFile { path: string; sha256: string; mode: string; content: string }

export interface AppliedStep {
  step: string;
  title: string;
  script: string;
  scriptHash: string;
  vars: Record<string, string>;
  files: AppliedFile[];
  installed: InstalledPackage[];
  leftBehind?: { installed: InstalledPackage[]; files: string[] }; // put on the PC by an earlier version of the step
  runId: string;
  at: string;
}

/**
 * What removal needs of a PC's applied state, without the files' texts: per step its packages, its files' paths, its
 * VPN connection's name and what it left behind. The journal keeps it beside the whole record, so that planning the
 * removals of 16,000 PCs reads kilobytes a PC, not the files.
 */
export interface RemovableStep {
  step: string;
  installed: InstalledPackage[];
  files: string[];
  vpn?: string;
  leftBehind?: AppliedStep['leftBehind'];
}

export interface RemovableState { machine: string; steps: RemovableStep[] }

export function removableOf(state: Pick<AppliedState, 'machine' | 'steps' | 'claimed'>): RemovableState {
  const steps: RemovableStep[] = state.steps.map((s) => ({
    step: s.step, installed: s.installed, files: s.files.map((f) => f.path),
    ...(s.vars.HS_VPN_NAME ? { vpn: s.vars.HS_VPN_NAME } : {}), ...(s.leftBehind ? { leftBehind: s.leftBehind } : {}),
  }));
  // what failed steps installed goes with the step's record, or stands for a step that never succeeded
  for (const c of state.claimed ?? []) {
    const at = steps.findIndex((s) => s.step === c.step);
    if (at < 0) steps.push({ step: c.step, installed: c.installed, files: [] });
    else steps[at] = { ...steps[at], installed: [...steps[at].installed, ...c.installed] };
  }
  return { machine: state.machine, steps: steps.sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : 0)) };
}

/** Packages a step installed in a run in which it then failed: homeshift's, though the step is not applied. */
export interface Claimed { step: string; installed: InstalledPackage[] }

/** What a removal step (`remove:<step id>`) took away: the whole step, or only what its earlier versions left behind. */
export const REMOVE_PREFIX = 'remove:';

export interface AppliedState {
  machine: string;
  site: string;
  profile: string; // of the newest update
  planHash: string | null; // the plan of the last run in which every step succeeded
  steps: AppliedStep[]; // by step id
  claimed?: Claimed[]; // what failed steps installed, until the step succeeds (its record says it then) or is removed
  updatedAt: string;
}

/** The steps of one result that succeeded, as the run applied them. */
export interface AppliedUpdate {
  machine: string;
  site: string;
  profile: string;
  planHash: string | null; // set when the whole plan succeeded
  steps: AppliedStep[];
  removed?: string[]; // step ids whose removal step succeeded: their records (or what they left behind) are gone
  claimed?: Claimed[]; // what steps that failed in this run had installed before they failed
  at: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

function lines(text: string | undefined): string[] {
  return (text ?? '').split('\n').filter((l) => l.trim() !== '');
}

/** The packages a bundle step installs, read from the vars the plan gave it (the same the PC's script reads). */
export function installedBy(step: Pick<PlannedStep, 'id' | 'script' | 'vars'>): InstalledPackage[] {
  if (!step.id.startsWith('bundle:')) return [];
  const windows = step.script.startsWith('windows/');
  const out: InstalledPackage[] = lines(step.vars.HS_PACKAGES).map((l) => {
    const at = l.lastIndexOf('=');
    return { via: windows ? 'winget' : 'apt', id: at > 0 ? l.slice(0, at) : l, version: at > 0 ? l.slice(at + 1) : '' };
  });
  for (const l of lines(step.vars.HS_DEB_PACKAGES)) {
    const [spec] = l.split('\t');
    const at = spec.lastIndexOf('=');
    out.push({ via: 'deb', id: at > 0 ? spec.slice(0, at) : spec, version: at > 0 ? spec.slice(at + 1) : '' });
  }
  for (const l of lines(step.vars.HS_MSI_PACKAGES)) {
    const [productCode, version, name] = l.split('\t');
    out.push({ via: 'msi', id: productCode, version, name });
  }
  for (const l of lines(step.vars.HS_EXE_PACKAGES)) {
    const [name, version, , , kind, rule, , uninstall] = l.split('\t');
    out.push({ via: 'exe', id: name, version, name, detect: `${kind} ${rule}`, ...(uninstall ? { uninstall } : {}) });
  }
  return out;
}

const gateVars = new Set<string>(Object.values(GATE_VARS));

/** The step as planned: without what a run's window-of-time gate added to its vars. */
function plannedVars(vars: Record<string, string>): Record<string, string> {
  return Object.keys(vars).some((k) => gateVars.has(k)) ? Object.fromEntries(Object.entries(vars).filter(([k]) => !gateVars.has(k))) : vars;
}

/** installed: the packages the PC said this run's step installed (keys of packageKey); the others were found. */
export function appliedStepOf(step: PlannedStep, scripts: Plan['scripts'], runId: string, at: string, installed: ReadonlySet<string> = new Set()): AppliedStep {
  return {
    step: step.id,
    title: step.title,
    script: step.script,
    scriptHash: scripts[step.script]?.hash ?? '',
    vars: plannedVars(step.vars),
    files: step.files.map((f) => ({ path: f.path, sha256: sha256(f.content), mode: f.mode, content: f.content })),
    installed: installedBy(step).map((p) => ({ ...p, by: installed.has(packageKey(p)) ? 'homeshift' : 'found' })),
    runId,
    at,
  };
}

/** What a machine's apply result put on the PC; null when no step changed anything lasting (checks only, or none). */
export function appliedUpdateOf(plan: MachinePlan, scripts: Plan['scripts'], result: MachineResult, runId: string): AppliedUpdate | null {
  const succeeded = result.steps.filter((s) => s.status === 'ok' || s.status === 'changed');
  const done = new Set(succeeded.map((s) => s.step));
  const installed = new Map(succeeded.map((s) => [s.step, new Set((s.installed ?? []).map(packageKey))]));
  // checks put nothing on the PC, and neither does a restart the run added (keep, rollout --reboot)
  const lasting = plan.steps.filter((s) => !s.checkOnly && !s.id.startsWith('check:') && s.id !== REBOOT_STEP_ID && !s.id.startsWith(REMOVE_PREFIX));
  const steps = lasting.filter((s) => done.has(s.id)).map((s) => appliedStepOf(s, scripts, runId, result.finishedAt, installed.get(s.id)));
  const removed = plan.steps.filter((s) => s.id.startsWith(REMOVE_PREFIX) && done.has(s.id)).map((s) => s.id.slice(REMOVE_PREFIX.length));
  const byId = new Map(plan.steps.map((s) => [s.id, s]));
  const claimed = result.steps.filter((r) => r.status === 'failed' && r.installed?.length && byId.has(r.step)).map((r) => {
    const said = new Set(r.installed!.map(packageKey));
    return { step: r.step, installed: installedBy(byId.get(r.step)!).filter((p) => said.has(packageKey(p))).map((p) => ({ ...p, by: 'homeshift' as const })) };
  }).filter((c) => c.installed.length > 0);
  const whole = (result.status === 'ok' || result.status === 'changed') && plan.steps.every((s) => done.has(s.id));
  if (steps.length === 0 && removed.length === 0 && claimed.length === 0 && !whole) return null;
  return {
    machine: plan.machine.id, site: plan.machine.site, profile: plan.profile.name, planHash: whole ? plan.hash : null, steps,
    ...(removed.length ? { removed } : {}), ...(claimed.length ? { claimed } : {}), at: result.finishedAt,
  };
}

/** A step applied again: what its earlier version installed or wrote and the new one does not is left behind. */
function replaceStep(was: AppliedStep, now: AppliedStep): AppliedStep {
  // what a run found on the PC stays homeshift's when an earlier run of the step installed it
  const ours = new Set([...was.installed, ...(was.leftBehind?.installed ?? [])].filter((p) => p.by === 'homeshift').map(packageKey));
  if (now.installed.some((p) => p.by !== 'homeshift' && ours.has(packageKey(p)))) {
    now = { ...now, installed: now.installed.map((p) => (ours.has(packageKey(p)) ? { ...p, by: 'homeshift' as const } : p)) };
  }
  const installed = new Set(now.installed.map(packageKey));
  const files = new Set(now.files.map((f) => f.path));
  const oldInstalled = [...(was.leftBehind?.installed ?? []), ...was.installed].filter((p) => !installed.has(packageKey(p)));
  const oldFiles = [...(was.leftBehind?.files ?? []), ...was.files.map((f) => f.path)].filter((f) => !files.has(f));
  const uniqueInstalled = [...new Map(oldInstalled.map((p) => [packageKey(p), p])).values()];
  const uniqueFiles = [...new Set(oldFiles)].sort();
  return uniqueInstalled.length || uniqueFiles.length ? { ...now, leftBehind: { installed: uniqueInstalled, files: uniqueFiles } } : now;
}

/** Claims by step: the earlier ones and this update's, each package once. */
function mergeClaims(before: Claimed[] | undefined, now: Claimed[] | undefined): Map<string, InstalledPackage[]> {
  const out = new Map<string, InstalledPackage[]>();
  for (const c of [...(before ?? []), ...(now ?? [])]) {
    const held = new Map((out.get(c.step) ?? []).map((p) => [packageKey(p), p]));
    for (const p of c.installed) held.set(packageKey(p), p);
    out.set(c.step, [...held.values()]);
  }
  return out;
}

/** The state after an update: succeeded steps replace their earlier record, every other step is kept. Pure. */
export function mergeApplied(before: AppliedState | null, update: AppliedUpdate): AppliedState {
  const steps = new Map((before?.steps ?? []).map((s) => [s.step, s]));
  const claims = mergeClaims(before?.claimed, update.claimed);
  for (let s of update.steps) {
    // a package an earlier failed run of the step installed is homeshift's when this run finds it; one the step no
    // longer installs is left behind by it
    const claimed = claims.get(s.step) ?? [];
    const keys = new Set(claimed.map(packageKey));
    if (keys.size) s = { ...s, installed: s.installed.map((p) => (keys.has(packageKey(p)) ? { ...p, by: 'homeshift' as const } : p)) };
    claims.delete(s.step);
    const was = steps.get(s.step);
    let next = was ? replaceStep(was, s) : s;
    const now = new Set(next.installed.map(packageKey));
    const behind = claimed.filter((p) => !now.has(packageKey(p)));
    if (behind.length) {
      const installed = [...new Map([...(next.leftBehind?.installed ?? []), ...behind].map((p) => [packageKey(p), p])).values()];
      next = { ...next, leftBehind: { installed, files: next.leftBehind?.files ?? [] } };
    }
    steps.set(s.step, next);
  }
  for (const id of update.removed ?? []) claims.delete(id);
  for (const id of update.removed ?? []) {
    const s = steps.get(id);
    if (!s) continue;
    // applied in this update too: only what it left behind was removed
    if (update.steps.some((u) => u.step === id)) {
      const { leftBehind: _gone, ...kept } = s;
      steps.set(id, kept);
    } else {
      steps.delete(id);
    }
  }
  return {
    machine: update.machine,
    site: update.site,
    profile: update.profile,
    planHash: update.planHash ?? before?.planHash ?? null,
    steps: [...steps.values()].sort((a, b) => (a.step < b.step ? -1 : a.step > b.step ? 1 : 0)),
    ...(claims.size ? { claimed: [...claims].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([step, installed]) => ({ step, installed })) } : {}),
    updatedAt: update.at,
  };
}
