/**
 * Windows of time at run time: which disturbing steps (installs that need a restart, the restart) may run now on each
 * PC. The decision travels to the PC as step variables: HS__DEFER (the reason; outside the window, nothing of the
 * step's apply runs) or HS__UNLESS_LOGGED_ON (inside the window: the PC defers the step when a user is logged on).
 * A step whose check finds nothing to do is ok either way. The machines keep their plan hashes.
 */
import { GATE_VARS, type MachinePlan, type Plan, type PlannedStep } from '../model/plan.js';
import { describeWindow, isOpen, minutesIn, ruleForSite, type DisturbConfig, type DisturbRule } from '../model/time-window.js';

export interface DisturbGate {
  ruleFor(site: string): DisturbRule | null;
  /** null: disturbing steps of the site may run at `now`; else why not ("outside the window 18:00–07:00 Europe/Berlin"). */
  closedBecause(site: string, now: Date): string | null;
  /** The plan as this run executes it at `now`. */
  apply(plan: Plan, now: Date): Plan;
}

export function createDisturbGate(config: DisturbConfig | undefined, fallback: DisturbRule | null = null): DisturbGate {
  const ruleFor = (site: string) => ruleForSite(config, site) ?? fallback;
  const closedBecause = (site: string, now: Date): string | null => {
    const rule = ruleFor(site);
    if (!rule || isOpen(rule.window, minutesIn(rule.timeZone, now))) return null;
    return `outside the window ${describeWindow(rule)}`;
  };
  const gateStep = (step: PlannedStep, extra: Record<string, string>): PlannedStep => (step.disturbs ? { ...step, vars: { ...step.vars, ...extra } } : step);
  const gateMachine = (m: MachinePlan, now: Date): MachinePlan => {
    const rule = ruleFor(m.machine.site);
    if (!rule || !m.steps.some((s) => s.disturbs)) return m;
    const closed = closedBecause(m.machine.site, now);
    const extra: Record<string, string> = closed !== null ? { [GATE_VARS.defer]: closed } : rule.whenLoggedOn ? {} : { [GATE_VARS.unlessLoggedOn]: '1' };
    if (Object.keys(extra).length === 0) return m;
    return { ...m, steps: m.steps.map((s) => gateStep(s, extra)) };
  };
  return {
    ruleFor,
    closedBecause,
    apply: (plan, now) => ({ ...plan, machines: plan.machines.map((m) => gateMachine(m, now)) }),
  };
}
