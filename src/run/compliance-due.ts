/**
 * Compliance, continuously: a PC whose profile sets compliance.every is due for its data-protection checks again
 * when its last check concluded longer ago than that (or never did). Keep runs only the checks on such a PC, in a
 * check run (nothing on the PC changes), unless the PC needs other work anyway.
 */
import { isCheckStep, type ComplianceRecord } from '../journal/index.js';
import type { MachinePlan, Plan } from '../model/plan.js';
export { complianceIntervals } from '../plan/compliance-every.js';

export function hasChecks(m: MachinePlan): boolean {
  return m.steps.some((s) => isCheckStep(s.id));
}

/** Is the PC's compliance check due at `now`? Only PCs whose plan has checks and whose profile sets an interval. */
export function complianceDue(m: MachinePlan, everyByProfile: Map<string, number>, last: ComplianceRecord | undefined, now: Date): boolean {
  const every = everyByProfile.get(m.machine.role);
  if (every === undefined || !hasChecks(m)) return false;
  return last === undefined || Date.parse(last.checkedAt) + every <= now.getTime();
}

/** The plan with only each machine's checks: what a compliance check run executes. */
export function checksOnly(plan: Plan): Plan {
  const machines = plan.machines.map((m) => ({ ...m, steps: m.steps.filter((s) => isCheckStep(s.id)) }));
  return {
    ...plan,
    machines,
    summary: { ...plan.summary, steps: machines.reduce((n, m) => n + m.steps.length, 0) },
  };
}
