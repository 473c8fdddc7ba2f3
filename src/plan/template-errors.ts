import type { Os, Project } from '../model/project.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import type { Diagnostic } from '../model/source.js';
import { TemplateError } from '../render/engine.js';
import { PlanError } from './plan-error.js';
import { createPlanContext, getRecipe, RecipeError, type PlanContext } from './plan-context.js';
import { checkMachine, planMachine } from './plan-machine.js';
import { assemblePlan, assemblePlanOf, type PlanOf } from './build-plan.js';
import { createMachineEncoder, memorySpool, type EncodedMachine, type PlanSpool } from './encoded-plan.js';

const PER_CAUSE = 5; // machines named one by one for the same cause; the rest are counted
// Problems that show only when a machine is rendered; reported per machine, grouped per cause.
const PER_MACHINE_RULES = new Set(['undefined-template-variable', 'undeclared-secret', 'unknown-secret']);

/** The plan of every machine with the template diagnostics found while building it; plan is null when any machine failed. */
export interface CheckedPlan {
  plan: Plan | null;
  diagnostics: Diagnostic[];
  encoded?: PlanOf<EncodedMachine> | null; // with encode: the plan with each machine kept as its JSON (plan is null then)
}

function templatePos(project: Project, err: TemplateError) {
  const source = project.templates.get(err.template);
  return source ? { file: source.file, line: err.line ?? 1, col: err.col ?? 1 } : undefined;
}

// Syntax errors and missing templates, once per (profile, os); returns the broken pairs.
function checkRecipes(project: Project, ctx: PlanContext, diagnostics: Diagnostic[]): Set<string> {
  const broken = new Set<string>();
  for (const profile of [...project.profiles.keys()].sort()) {
    for (const os of ['linux', 'windows'] as Os[]) {
      try {
        getRecipe(ctx, profile, os);
      } catch (err) {
        broken.add(`${profile}\u0000${os}`);
        if (err instanceof TemplateError) {
          const pos = templatePos(project, err);
          diagnostics.push({ rule: 'template-syntax', severity: 'error', message: `profile ${profile} (${os}): ${err.message}`, ...(pos ? { pos } : {}) });
        } else if (err instanceof RecipeError && err.template) {
          const pos = project.profiles.get(profile)?.pos;
          diagnostics.push({ rule: 'unknown-template', severity: 'error', message: `profile ${profile} (${os}): ${err.message}`, ...(pos ? { pos } : {}) });
        }
      }
    }
  }
  return broken;
}

/**
 * Plans every machine once and reports template problems as validate diagnostics: syntax and missing
 * templates per (profile, os), then undefined variables per machine (rule undefined-template-variable),
 * grouped per cause. keepPlan: false when only the diagnostics are wanted (machine plans are not kept).
 * encode: keep each machine as its JSON (`encoded`, for plan --format json) instead of its plan object, in the given
 * spool (true: in memory).
 */
export function planAndCheck(project: Project, opts: { keepPlan?: boolean; encode?: boolean | PlanSpool } = {}): CheckedPlan {
  const keepPlan = opts.keepPlan ?? true;
  const encoder = keepPlan && opts.encode ? createMachineEncoder(opts.encode === true ? memorySpool() : opts.encode) : null;
  const encoded: EncodedMachine[] = [];
  const diagnostics: Diagnostic[] = [];
  const ctx = createPlanContext(project);
  const brokenRecipes = checkRecipes(project, ctx, diagnostics);
  const machines: MachinePlan[] = [];
  let failed = false;
  const causes = new Map<string, { first: Diagnostic[]; more: number }>();
  for (const machine of project.machines) {
    if (brokenRecipes.has(`${machine.role}\u0000${machine.os}`)) {
      failed = true; // reported above, once
      machines.length = 0;
      encoded.length = 0;
      continue;
    }
    let planned: MachinePlan | null = null;
    try {
      if (keepPlan) planned = planMachine(project, machine, ctx);
      else checkMachine(project, machine, ctx);
    } catch (err) {
      failed = true;
      machines.length = 0; // no plan comes of it now: let the machines planned so far go
      encoded.length = 0;
      if (!(err instanceof PlanError) || !err.rule || !PER_MACHINE_RULES.has(err.rule)) continue; // other causes are validate's own rules
      const key = `${err.rule}\u0000${err.template}\u0000${err.variable}`;
      const cause = causes.get(key) ?? { first: [], more: 0 };
      causes.set(key, cause);
      if (cause.first.length >= PER_CAUSE) {
        cause.more++;
        continue;
      }
      const where = err.pos ? ` (${err.pos.file}:${err.pos.line})` : '';
      const message = err.rule === 'undefined-template-variable' ? `machine ${machine.id}: undefined variable ${err.variable} in template ${err.template}${where}` : `${err.message}${where}`;
      cause.first.push({ rule: err.rule, severity: 'error', message, pos: machine.pos, machine: machine.id });
      continue;
    }
    if (planned && !failed) {
      if (encoder) encoded.push(encoder.encode(planned));
      else machines.push(planned);
    }
  }
  for (const [key, cause] of causes) {
    diagnostics.push(...cause.first);
    if (cause.more > 0) {
      const [rule, template, variable] = key.split('\u0000');
      const what = rule === 'undefined-template-variable' ? `undefined variable ${variable}` : `secret ${variable}`;
      diagnostics.push({ rule, severity: 'error', message: `${what} in template ${template}: ${cause.more} more machine(s)` });
    }
  }
  const scriptOf = (name: string) => ctx.scripts.get(name)!;
  if (encoder) {
    encoder.finish();
    return { plan: null, diagnostics, encoded: failed ? null : assemblePlanOf(project.config.name, encoded, (m) => m, scriptOf) };
  }
  const plan = keepPlan && !failed ? assemblePlan(project.config.name, machines, scriptOf) : null;
  return { plan, diagnostics };
}

/** Template problems of every machine as validate diagnostics (see planAndCheck). */
export function findTemplateErrors(project: Project): Diagnostic[] {
  return planAndCheck(project, { keepPlan: false }).diagnostics;
}
