import type { Machine, Project } from '../model/project.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import { sha256 } from './hash.js';
import { createPlanContext, type PlanContext } from './plan-context.js';
import { planMachine } from './plan-machine.js';

function count(into: Record<string, number>, key: string): void {
  into[key] = (into[key] ?? 0) + 1;
}

function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key];
  return out;
}

/** What the plan around its machines needs of each one: where it is, what it runs, its hash. */
export interface MachineSummary {
  site: string;
  profile: string;
  os: string;
  scripts: readonly string[]; // each step's script, in step order
  hash: string;
}

/** A plan whose machines are kept some other way than as MachinePlan objects (see encoded-plan.ts). */
export type PlanOf<M> = Omit<Plan, 'machines'> & { machines: M[] };

export function summaryOf(m: MachinePlan): MachineSummary {
  return { site: m.machine.site, profile: m.profile.name, os: m.machine.os, scripts: m.steps.map((s) => s.script), hash: m.hash };
}

/** The plan around already planned machines: the scripts they use, counts, and the hash over their hashes. */
export function assemblePlan(project: string, machines: MachinePlan[], scriptOf: (name: string) => Plan['scripts'][string]): Plan {
  return assemblePlanOf(project, machines, summaryOf, scriptOf);
}

export function assemblePlanOf<M>(project: string, machines: M[], summary: (m: M) => MachineSummary, scriptOf: (name: string) => Plan['scripts'][string]): PlanOf<M> {
  const used = new Set<string>();
  const bySite: Record<string, number> = {};
  const byProfile: Record<string, number> = {};
  const byOs: Record<string, number> = {};
  const hashes: string[] = [];
  let steps = 0;
  for (const machine of machines) {
    const m = summary(machine);
    for (const script of m.scripts) used.add(script);
    count(bySite, m.site);
    count(byProfile, m.profile);
    count(byOs, m.os);
    steps += m.scripts.length;
    hashes.push(m.hash);
  }
  const scripts: Plan['scripts'] = {};
  for (const name of [...used].sort()) scripts[name] = scriptOf(name);
  return {
    format: 1,
    project,
    scripts,
    machines,
    summary: { machines: machines.length, steps, bySite: sortedRecord(bySite), byProfile: sortedRecord(byProfile), byOs: sortedRecord(byOs) },
    hash: sha256(hashes.join('\n')),
  };
}

/**
 * The plan for the given machines (default: all, in inventory order); throws PlanError on the first bad machine.
 * from: a plan of the same project already built (e.g. by planAndCheck); its machines are taken, not planned again.
 */
export function buildPlan(project: Project, opts: { machines?: Machine[]; from?: Plan } = {}): Plan {
  let ctx: PlanContext | null = null;
  const planned = new Map<string, MachinePlan>();
  for (const m of opts.from?.machines ?? []) planned.set(m.machine.id, m);
  const machines = (opts.machines ?? project.machines).map((m) => planned.get(m.id) ?? planMachine(project, m, (ctx ??= createPlanContext(project))));
  const scriptOf = (name: string) => opts.from?.scripts[name] ?? ctx!.scripts.get(name)!;
  return assemblePlan(project.config.name, machines, scriptOf);
}
