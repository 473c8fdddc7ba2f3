import type { AppliedStore } from '../journal/applied.js';
import type { Plan } from '../model/plan.js';
import type { Project } from '../model/project.js';
import { withRemovalSteps } from '../plan/removal-steps.js';

/** The plan with removal steps from what the journal says homeshift put on its machines (plan/removal-steps.ts). */
export async function withRemovals(project: Project, store: AppliedStore, plan: Plan): Promise<Plan> {
  if (plan.machines.length === 0) return plan;
  const states = await store.listRemovable(plan.machines.map((m) => m.machine.id));
  return withRemovalSteps(project, plan, new Map(states.map((s) => [s.machine, s])));
}
