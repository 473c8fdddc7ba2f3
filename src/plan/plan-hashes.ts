import type { Machine, Project } from '../model/project.js';
import { createPlanContext } from './plan-context.js';
import { PlanError } from './plan-error.js';
import { planMachineHash } from './plan-machine.js';

/**
 * Every machine's plan hash, the same as buildPlan gives it, without rendering a file (see planMachineHash).
 * A machine that cannot be planned has none.
 */
export function planHashes(project: Project, machines: readonly Machine[] = project.machines): Map<string, string> {
  const ctx = createPlanContext(project, { compile: false }); // a hash needs the templates' text, not the engine
  const hashes = new Map<string, string>();
  for (const machine of machines) {
    try {
      hashes.set(machine.id, planMachineHash(project, machine, ctx));
    } catch (err) {
      if (!(err instanceof PlanError)) throw err;
    }
  }
  return hashes;
}
