import type { Os, Project } from '../model/project.js';
import type { Diagnostic } from '../model/source.js';
import { TemplateError } from '../render/engine.js';
import { PlanError } from './plan-error.js';
import { createPlanContext, getRecipe, RecipeError } from './plan-context.js';
import { planMachine } from './plan-machine.js';

const PER_CAUSE = 5; // machines named one by one for the same cause; the rest are counted

function templatePos(project: Project, err: TemplateError) {
  const source = project.templates.get(err.template);
  return source ? { file: source.file, line: err.line ?? 1, col: err.col ?? 1 } : undefined;
}

/**
 * Template problems as validate diagnostics: syntax and missing templates per (profile, os), then
 * undefined variables per machine (rule undefined-template-variable), grouped per cause.
 */
export function findTemplateErrors(project: Project): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const ctx = createPlanContext(project);
  const brokenRecipes = new Set<string>();
  for (const profile of [...project.profiles.keys()].sort()) {
    for (const os of ['linux', 'windows'] as Os[]) {
      try {
        getRecipe(ctx, profile, os);
      } catch (err) {
        brokenRecipes.add(`${profile}\u0000${os}`);
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
  const causes = new Map<string, { first: Diagnostic[]; more: number }>();
  for (const machine of project.machines) {
    if (brokenRecipes.has(`${machine.role}\u0000${machine.os}`)) continue; // reported above, once
    try {
      planMachine(project, machine, ctx);
    } catch (err) {
      if (!(err instanceof PlanError) || err.rule !== 'undefined-template-variable') continue; // other causes are validate's own rules
      const key = `${err.template}\u0000${err.variable}`;
      const cause = causes.get(key) ?? { first: [], more: 0 };
      causes.set(key, cause);
      if (cause.first.length >= PER_CAUSE) {
        cause.more++;
        continue;
      }
      const where = err.pos ? ` (${err.pos.file}:${err.pos.line})` : '';
      cause.first.push({
        rule: 'undefined-template-variable',
        severity: 'error',
        message: `machine ${machine.id}: undefined variable ${err.variable} in template ${err.template}${where}`,
        pos: machine.pos,
        machine: machine.id,
      });
    }
  }
  for (const [key, cause] of causes) {
    diagnostics.push(...cause.first);
    if (cause.more > 0) {
      const [template, variable] = key.split('\u0000');
      diagnostics.push({ rule: 'undefined-template-variable', severity: 'error', message: `undefined variable ${variable} in template ${template}: ${cause.more} more machine(s)` });
    }
  }
  return diagnostics;
}
