import { loadProject } from '../config/index.js';
import { buildPlan } from '../plan/index.js';
import type { AssignedFault } from './faults.js';
import { FaultSpecError } from './faults.js';
import type { StepTouches } from './fault-files.js';

/**
 * A fail-STEP fault fails the step where it does its work on a Linux PC: moving its first file into place, or
 * installing one of its packages. Which files and packages those are comes from the plan of the repository
 * the lab generated, for the PCs that carry such a fault.
 */
export async function findStepTouches(projectDir: string, faults: Map<string, AssignedFault>): Promise<Map<string, StepTouches>> {
  const wanted = new Map([...faults].filter(([, f]) => f.kind.startsWith('fail-')).map(([id, f]) => [id, f.kind.slice('fail-'.length)]));
  const touches = new Map<string, StepTouches>();
  if (wanted.size === 0) return touches;
  const { project } = await loadProject({ projectDir });
  if (!project) throw new Error(`lab: cannot read the repository it generated in ${projectDir}`);
  // Linux PCs only: their sim tools read these bindings
  const plan = buildPlan(project, { machines: project.machines.filter((m) => wanted.has(m.id) && m.os === 'linux') });
  for (const machine of plan.machines) {
    const stepId = wanted.get(machine.machine.id)!;
    const step = machine.steps.find((s) => s.id === stepId);
    if (!step) continue; // this PC's profile has no such step: nothing to fail
    const packages = step.id.startsWith('bundle:') ? (step.vars.HS_PACKAGES ?? '').split('\n').filter(Boolean).map((spec) => spec.split('=')[0]) : [];
    const files = step.files.slice(0, 1).map((f) => f.path);
    if (files.length === 0 && packages.length === 0) {
      throw new FaultSpecError(`fault "fail-${stepId}": step ${stepId} of ${machine.machine.id} writes no file and installs no package, so the lab cannot make it fail`);
    }
    touches.set(machine.machine.id, { files, packages });
  }
  return touches;
}
