/**
 * What a change of the rollout repository does to the fleet: the plans before and after, compared per PC and step,
 * and grouped so that 3,000 PCs with the same change read as one block. Pure: plans in, data out.
 */
import { createTwoFilesPatch, diffLines } from 'diff';
import type { MachinePlan, Plan, PlannedFile, PlannedStep } from '../model/plan.js';
import { SECRET_PLACEHOLDER_RE } from '../model/plan.js';

export type PlanChange =
  | { kind: 'pc-added'; profile: string }
  | { kind: 'pc-removed'; profile: string }
  | { kind: 'profile'; from: string; to: string }
  | { kind: 'step-added'; step: string; title: string }
  | { kind: 'step-removed'; step: string; title: string }
  | { kind: 'step-changed'; step: string; title: string; from?: string; vars: string[]; script: boolean; files: FileChange[] };

export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'changed';
  added: number; // lines
  removed: number;
}

export interface FilePatch { step: string; path: string; patch: string }

export interface DiffGroup {
  machines: string[]; // sorted
  changes: PlanChange[];
  example: { machine: string; patches: FilePatch[] }; // the files' unified diffs of the group's first PC
}

export interface PlanDiff {
  groups: DiffGroup[]; // largest first
  unchanged: number;
}

const name = (p: string) => p.slice(p.lastIndexOf('/') + 1);
/** Secret placeholders read as [secret NAME]; a plan holds no secret values, and a diff never shows one. */
const masked = (text: string) => text.replace(SECRET_PLACEHOLDER_RE, (_, n: string) => `[secret ${n}]`);

function lineCounts(before: string, after: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) added += part.count ?? 0;
    else if (part.removed) removed += part.count ?? 0;
  }
  return { added, removed };
}

function fileChanges(before: PlannedFile[], after: PlannedFile[]): FileChange[] {
  const old = new Map(before.map((f) => [f.path, f]));
  const now = new Map(after.map((f) => [f.path, f]));
  const out: FileChange[] = [];
  for (const f of after) {
    const was = old.get(f.path);
    if (!was) out.push({ path: f.path, change: 'added', ...lineCounts('', f.content) });
    else if (was.content !== f.content || was.mode !== f.mode) out.push({ path: f.path, change: 'changed', ...lineCounts(was.content, f.content) });
  }
  for (const f of before) if (!now.has(f.path)) out.push({ path: f.path, change: 'removed', ...lineCounts(f.content, '') });
  return out;
}

function changedVars(before: Record<string, string>, after: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).sort();
}

function stepChange(was: PlannedStep, now: PlannedStep, scriptChanged: boolean): PlanChange | null {
  const vars = changedVars(was.vars, now.vars);
  const files = fileChanges(was.files, now.files);
  const script = was.script !== now.script || scriptChanged;
  if (!vars.length && !files.length && !script && was.title === now.title) return null;
  return { kind: 'step-changed', step: now.id, title: now.title, ...(was.title !== now.title ? { from: was.title } : {}), vars, script, files };
}

export function patches(was: MachinePlan | undefined, now: MachinePlan | undefined): FilePatch[] {
  const out: FilePatch[] = [];
  const oldSteps = new Map((was?.steps ?? []).map((s) => [s.id, s]));
  const newSteps = new Map((now?.steps ?? []).map((s) => [s.id, s]));
  for (const id of new Set([...oldSteps.keys(), ...newSteps.keys()])) {
    const before = new Map((oldSteps.get(id)?.files ?? []).map((f) => [f.path, f.content]));
    const after = new Map((newSteps.get(id)?.files ?? []).map((f) => [f.path, f.content]));
    for (const path of new Set([...before.keys(), ...after.keys()])) {
      const a = before.get(path) ?? '';
      const b = after.get(path) ?? '';
      if (a === b) continue;
      out.push({ step: id, path, patch: createTwoFilesPatch(before.has(path) ? `a/${path}` : '/dev/null', after.has(path) ? `b/${path}` : '/dev/null', masked(a), masked(b), '', '', { context: 2 }) });
    }
  }
  return out;
}

/** The changes of one PC, in step order (the new plan's, then the steps that went away). */
export function machineChanges(was: MachinePlan | undefined, now: MachinePlan | undefined, changedScripts: ReadonlySet<string>): PlanChange[] {
  if (!was && now) return [{ kind: 'pc-added', profile: now.profile.name }];
  if (was && !now) return [{ kind: 'pc-removed', profile: was.profile.name }];
  if (!was || !now || was.hash === now.hash) return [];
  const out: PlanChange[] = [];
  if (was.profile.name !== now.profile.name) out.push({ kind: 'profile', from: was.profile.name, to: now.profile.name });
  const oldSteps = new Map(was.steps.map((s) => [s.id, s]));
  const newIds = new Set(now.steps.map((s) => s.id));
  for (const step of now.steps) {
    const before = oldSteps.get(step.id);
    if (!before) out.push({ kind: 'step-added', step: step.id, title: step.title });
    else {
      const change = stepChange(before, step, changedScripts.has(step.script));
      if (change) out.push(change);
    }
  }
  for (const step of was.steps) if (!newIds.has(step.id)) out.push({ kind: 'step-removed', step: step.id, title: step.title });
  return out;
}

function changedScriptNames(before: Plan, after: Plan): Set<string> {
  return new Set(Object.keys(after.scripts).filter((k) => before.scripts[k] && before.scripts[k].hash !== after.scripts[k].hash));
}

export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const scripts = changedScriptNames(before, after);
  const old = new Map(before.machines.map((m) => [m.machine.id, m]));
  const now = new Map(after.machines.map((m) => [m.machine.id, m]));
  const ids = [...new Set([...now.keys(), ...old.keys()])].sort();
  const groups = new Map<string, DiffGroup>();
  let unchanged = 0;
  for (const id of ids) {
    const changes = machineChanges(old.get(id), now.get(id), scripts);
    if (!changes.length) {
      unchanged++;
      continue;
    }
    const key = JSON.stringify(changes);
    const group = groups.get(key);
    if (group) group.machines.push(id);
    else groups.set(key, { machines: [id], changes, example: { machine: id, patches: patches(old.get(id), now.get(id)) } });
  }
  return { groups: [...groups.values()].sort((a, b) => b.machines.length - a.machines.length || a.machines[0].localeCompare(b.machines[0])), unchanged };
}

/** One change as a line: "+ bundle scan-station 2.0", "~ outlook.prf (2 lines)". */
export function describeChange(c: PlanChange): string {
  switch (c.kind) {
    case 'pc-added': return `+ PC (profile ${c.profile})`;
    case 'pc-removed': return `- PC (was profile ${c.profile})`;
    case 'profile': return `~ profile ${c.from} -> ${c.to}`;
    case 'step-added': return `+ ${c.title}`;
    case 'step-removed': return `- ${c.title} (no longer planned: the next rollout removes what homeshift put on the PC)`;
    case 'step-changed': {
      const parts: string[] = c.files.map((f) => {
        const sign = f.change === 'added' ? '+' : f.change === 'removed' ? '-' : '~';
        const lines = f.change !== 'changed' ? `${f.added || f.removed} lines` : f.added + f.removed === 0 ? 'mode' : `+${f.added} -${f.removed} lines`;
        return `${sign} ${name(f.path)} (${lines})`;
      });
      if (c.vars.length) parts.push(`settings ${c.vars.join(', ')}`);
      if (c.script) parts.push('script');
      return `~ ${c.from ? `${c.from} -> ${c.title}` : c.title}${parts.length ? `: ${parts.join(', ')}` : ''}`;
    }
  }
}
