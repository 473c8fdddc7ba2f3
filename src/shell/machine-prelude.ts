import type { MachinePlan } from '../model/plan.js';

/** Variables every step of a machine sees. */
export function machineVars(plan: MachinePlan): Record<string, string> {
  return {
    HS_ROOT: plan.root,
    HS_OS: plan.machine.os,
    HS_MACHINE_ID: plan.machine.id,
    HS_SITE: plan.machine.site,
    HS_ROLE: plan.machine.role,
    HS_PROFILE: plan.profile.name,
    HS_EMPLOYEE_ID: plan.employee.id,
    HS_EMPLOYEE_NAME: plan.employee.name,
    HS_EMPLOYEE_MAILBOX: plan.employee.mailbox,
  };
}
