import type { RemovableState } from '../model/applied-state.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import type { Project } from '../model/project.js';
import { assemblePlanOf, type PlanOf } from './build-plan.js';
import { createMachineEncoder, memorySpool, type EncodedMachine } from './encoded-plan.js';
import { withRemovalSteps } from './removal-steps.js';

/**
 * withRemovalSteps for a plan kept as encoded machines (plan --format json): only the machines with something
 * recorded are decoded, given their removal steps and encoded again; the others keep their bytes.
 */
export function withEncodedRemovals(project: Project, plan: PlanOf<EncodedMachine>, applied: ReadonlyMap<string, RemovableState>): PlanOf<EncodedMachine> {
  const picked = plan.machines.filter((m) => applied.has(m.id));
  if (picked.length === 0) return plan;
  const decoded = picked.map((m) => JSON.parse(Buffer.from(m.spool.read(m.at, m.length)).toString('utf8')) as MachinePlan);
  const scripts: Plan['scripts'] = {};
  for (const m of picked) for (const name of m.scripts) scripts[name] = plan.scripts[name] as Plan['scripts'][string];
  const small = { ...plan, scripts, machines: decoded } as unknown as Plan;
  const removed = withRemovalSteps(project, small, applied);
  if (removed === small) return plan;
  const encoder = createMachineEncoder(memorySpool());
  const again = new Map<string, EncodedMachine>();
  removed.machines.forEach((m, i) => {
    if (m !== decoded[i]) again.set(m.machine.id, encoder.encode(m));
  });
  encoder.finish();
  const machines = plan.machines.map((m) => again.get(m.id) ?? m);
  const scriptOf = (name: string) => (removed.scripts[name] ?? plan.scripts[name]) as Plan['scripts'][string];
  return assemblePlanOf(plan.project, machines, (m) => m, scriptOf);
}
