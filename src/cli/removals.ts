import { existsSync } from 'node:fs';
import type { AppliedStore } from '../journal/applied.js';
import type { RemovableState } from '../model/applied-state.js';
import type { Plan } from '../model/plan.js';
import type { Project } from '../model/project.js';
import { withRemovalSteps } from '../plan/removal-steps.js';
import { journalLocationOf, openJournal } from './journal.js';
import type { Output } from './output.js';

/**
 * What removal needs of the applied states of these machines: only of those whose last whole success was another
 * plan than theirs now. A PC whose plan succeeded as a whole has nothing left to remove (its removals were part of
 * that success), so a fleet that is up to date costs one small read.
 */
export async function removableStates(store: AppliedStore, machines: readonly { id: string; hash: string }[]): Promise<Map<string, RemovableState>> {
  if (machines.length === 0) return new Map();
  const done = await store.appliedPlanHashes();
  const differing = machines.filter((m) => done.has(m.id) && done.get(m.id) !== m.hash).map((m) => m.id);
  const states = differing.length ? await store.listRemovable(differing) : [];
  return new Map(states.map((s) => [s.machine, s]));
}

/** The plan with removal steps from what the journal says homeshift put on its machines (plan/removal-steps.ts). */
export async function withRemovals(project: Project, store: AppliedStore, plan: Plan): Promise<Plan> {
  const states = await removableStates(store, plan.machines.map((m) => ({ id: m.machine.id, hash: m.hash })));
  return states.size ? withRemovalSteps(project, plan, states) : plan;
}

/**
 * For `plan`: the removals the next rollout would add, from the repository's journal where there is one (none
 * before the first rollout); a journal that cannot be read is said on stderr and the plan shown without them.
 */
export async function planRemovals(project: Project, machines: readonly { id: string; hash: string }[], out: Output): Promise<Map<string, RemovableState>> {
  const location = journalLocationOf(project);
  if (location.kind === 'sqlite' && !existsSync(location.file)) return new Map();
  try {
    const store = await openJournal(project, false);
    try {
      return await removableStates(store, machines);
    } finally {
      await store.close();
    }
  } catch (err) {
    out.err(`homeshift: warning: removal steps not shown, the journal could not be read: ${(err as Error).message}`);
    return new Map();
  }
}
