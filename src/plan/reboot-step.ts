import { REBOOT_STEP_ID, type MachinePlan, type Plan, type PlannedStep } from '../model/plan.js';
import type { Project } from '../model/project.js';
import { sha256 } from './hash.js';
import { PlanError } from './plan-error.js';


const scriptOf = (os: MachinePlan['machine']['os']) => (os === 'linux' ? 'linux/reboot.sh' : 'windows/reboot.ps1');

/** Whether the machine's plan has a step that may leave it waiting for a reboot (a package marked restart: true). */
export function mayAskForReboot(m: MachinePlan): boolean {
  return m.steps.some((s) => s.disturbs === true);
}

/**
 * The plan with a restart step at the end of the machines `wanted` names (those that wait for a reboot, `pending`,
 * or may ask for one in this run). Not part of what `plan` shows: keep and `rollout --reboot` add it for the run,
 * and the machines keep their plan hashes.
 */
export function withRebootSteps(project: Project, plan: Plan, wanted: (m: MachinePlan) => boolean, pending: ReadonlySet<string>): Plan {
  const scripts = { ...plan.scripts };
  const machines = plan.machines.map((m) => {
    if (!wanted(m) || m.steps.some((s) => s.id === REBOOT_STEP_ID)) return m;
    const script = scriptOf(m.machine.os);
    if (!scripts[script]) {
      const source = project.templates.get(script);
      if (!source) throw new PlanError({ machine: m.machine.id, template: script, rule: 'unknown-template', message: `machine ${m.machine.id}: step script ${script} not found` });
      scripts[script] = { hash: sha256(source.text), text: source.text };
    }
    const step: PlannedStep = {
      id: REBOOT_STEP_ID, title: 'Restart the PC', script, vars: { HS_REBOOT_PENDING: pending.has(m.machine.id) ? '1' : '0' },
      files: [], secrets: [], checkOnly: false, timeout: 120, disturbs: true,
    };
    return { ...m, steps: [...m.steps, step] };
  });
  return { ...plan, scripts, machines };
}
