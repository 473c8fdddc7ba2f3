/**
 * What a PC's current plan would change against what the journal says was applied to it: the applied record read as
 * the plan it came from, compared with plan --diff's own rules (plan-diff.ts) and grouped the same way. Checks are
 * left out on both sides: they put nothing on the PC. Pure: plans and applied states in, data out.
 */
import type { AppliedState } from '../model/applied-state.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import { machineChanges, patches, type DiffGroup, type PlanChange, type PlanDiff } from './plan-diff.js';

const lasting = (m: MachinePlan): MachinePlan => ({ ...m, steps: m.steps.filter((s) => !s.checkOnly && !s.id.startsWith('check:')) });

/** The applied record as a plan of the same PC: its steps as they ran, in the current plan's order, the others after. */
export function appliedPlanOf(state: AppliedState, current: MachinePlan): MachinePlan {
  const order = new Map(current.steps.map((s, i) => [s.id, i]));
  const steps = [...state.steps]
    .sort((a, b) => (order.get(a.step) ?? Infinity) - (order.get(b.step) ?? Infinity) || (a.step < b.step ? -1 : 1))
    .map((s) => ({ id: s.step, title: s.title, script: s.script, vars: s.vars, files: s.files.map((f) => ({ path: f.path, content: f.content, mode: f.mode })), secrets: [], checkOnly: false, timeout: 0 }));
  return { ...current, profile: { ...current.profile, name: state.profile }, steps, hash: state.planHash ?? `applied:${state.updatedAt}` };
}

/** The scripts whose text changed since a step of this PC ran them. */
function changedScripts(state: AppliedState, scripts: Plan['scripts']): Set<string> {
  return new Set(state.steps.filter((s) => scripts[s.script] && scripts[s.script].hash !== s.scriptHash).map((s) => s.script));
}

export interface AppliedDiff extends PlanDiff {
  unrecorded: string[]; // PCs without an applied record (rolled out before the journal kept one, or never)
}

/** Per PC of `plans`, what its plan changes against its applied record, grouped; PCs without a record apart. */
export function diffApplied(plans: readonly MachinePlan[], scripts: Plan['scripts'], applied: readonly AppliedState[]): AppliedDiff {
  const byMachine = new Map(applied.map((a) => [a.machine, a]));
  const groups = new Map<string, DiffGroup>();
  const unrecorded: string[] = [];
  let unchanged = 0;
  for (const plan of [...plans].sort((a, b) => (a.machine.id < b.machine.id ? -1 : 1))) {
    const state = byMachine.get(plan.machine.id);
    if (!state) {
      unrecorded.push(plan.machine.id);
      continue;
    }
    const now = lasting(plan);
    const was = appliedPlanOf(state, now);
    const changes: PlanChange[] = was.hash === now.hash && state.planHash !== null ? [] : machineChanges(was, { ...now, hash: `${now.hash}:now` }, changedScripts(state, scripts));
    if (!changes.length) {
      unchanged++;
      continue;
    }
    const key = JSON.stringify(changes);
    const group = groups.get(key);
    if (group) group.machines.push(plan.machine.id);
    else groups.set(key, { machines: [plan.machine.id], changes, example: { machine: plan.machine.id, patches: patches(was, now) } });
  }
  return { groups: [...groups.values()].sort((a, b) => b.machines.length - a.machines.length || a.machines[0].localeCompare(b.machines[0])), unchanged, unrecorded };
}
