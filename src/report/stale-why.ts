/**
 * Why a PC is stale: its current plan against what the journal says was applied to it, per step, and the PCs with
 * the same change as one group. Pure: plans and applied states in, data and text out.
 */
import { appliedStepOf, type AppliedState } from '../model/applied-state.js';
import type { MachinePlan, Plan } from '../model/plan.js';
import { createStyle, type FormatOptions } from './format.js';

export type StaleChange =
  | { kind: 'not-recorded' } // applied before the journal kept what was applied
  | { kind: 'step-new'; step: string; title: string }
  | { kind: 'step-gone'; step: string; title: string; packages: number; files: number }
  | { kind: 'step-changed'; step: string; title: string; vars: string[]; files: string[]; script: boolean };

export interface StaleGroup {
  machines: string[];
  changes: StaleChange[];
}

export interface StaleWhy {
  groups: StaleGroup[]; // largest first
}

const fileName = (p: string) => p.slice(p.lastIndexOf('/') + 1);

/** What changed for one PC since its steps were applied; an empty list: nothing a step would do differently. */
export function staleChanges(plan: MachinePlan, scripts: Plan['scripts'], applied: AppliedState | undefined): StaleChange[] {
  if (!applied) return [{ kind: 'not-recorded' }];
  const was = new Map(applied.steps.map((s) => [s.step, s]));
  const planned = new Set(plan.steps.map((s) => s.id));
  const out: StaleChange[] = [];
  for (const step of plan.steps) {
    if (step.checkOnly || step.id.startsWith('check:')) continue;
    const old = was.get(step.id);
    if (!old) {
      out.push({ kind: 'step-new', step: step.id, title: step.title });
      continue;
    }
    const now = appliedStepOf(step, scripts, '', '');
    const keys = [...new Set([...Object.keys(old.vars), ...Object.keys(now.vars)])].sort();
    const vars = keys.filter((k) => old.vars[k] !== now.vars[k]);
    const oldFiles = new Map(old.files.map((f) => [f.path, f]));
    const files = [...new Set([...now.files.filter((f) => oldFiles.get(f.path)?.sha256 !== f.sha256 || oldFiles.get(f.path)?.mode !== f.mode).map((f) => f.path),
      ...old.files.filter((f) => !now.files.some((n) => n.path === f.path)).map((f) => f.path)])].sort();
    const script = old.script !== now.script || old.scriptHash !== now.scriptHash;
    if (vars.length || files.length || script) out.push({ kind: 'step-changed', step: step.id, title: step.title, vars, files, script });
  }
  for (const old of applied.steps) {
    if (!planned.has(old.step)) out.push({ kind: 'step-gone', step: old.step, title: old.title, packages: old.installed.length, files: old.files.length });
  }
  return out;
}

/** The stale PCs grouped by their change. */
export function staleWhy(plans: MachinePlan[], scripts: Plan['scripts'], applied: AppliedState[]): StaleWhy {
  const byMachine = new Map(applied.map((a) => [a.machine, a]));
  const groups = new Map<string, StaleGroup>();
  for (const plan of plans) {
    const changes = staleChanges(plan, scripts, byMachine.get(plan.machine.id));
    const key = JSON.stringify(changes);
    const group = groups.get(key) ?? { machines: [], changes };
    group.machines.push(plan.machine.id);
    groups.set(key, group);
  }
  for (const g of groups.values()) g.machines.sort();
  return { groups: [...groups.values()].sort((a, b) => b.machines.length - a.machines.length || (a.machines[0] < b.machines[0] ? -1 : 1)) };
}

export function describeStaleChange(c: StaleChange): string {
  switch (c.kind) {
    case 'not-recorded': return 'applied before the journal kept what was applied: not known in detail';
    case 'step-new': return `+ ${c.title} (new)`;
    case 'step-gone': return `- ${c.title} (no longer planned; ${c.packages} package(s), ${c.files} file(s) it put on the PC stay there)`;
    case 'step-changed': {
      const parts = [...(c.vars.length ? [`settings ${c.vars.join(', ')}`] : []), ...(c.files.length ? [`files ${c.files.map(fileName).join(', ')}`] : []), ...(c.script ? ['its script'] : [])];
      return `~ ${c.title}: ${parts.join('; ')}`;
    }
  }
}

const SHOWN = 8; // PC ids named per group before "(+N more)", as plan --diff does

/** The text under status: one block per group of PCs with the same change. */
export function formatStaleWhy(why: StaleWhy, options: FormatOptions = {}): string {
  if (why.groups.length === 0) return '';
  const style = createStyle(options);
  const total = why.groups.reduce((n, g) => n + g.machines.length, 0);
  const lines = [`stale: ${total} PC${total === 1 ? '' : 's'} whose plan changed since their last success, by what changed:`];
  for (const g of why.groups) {
    const ids = g.machines.length <= SHOWN ? g.machines.join(' ') : `${g.machines.slice(0, SHOWN).join(' ')} (+${g.machines.length - SHOWN} more)`;
    lines.push(`${style.bold(`${g.machines.length} PC${g.machines.length === 1 ? '' : 's'}`)}: ${ids}`);
    if (g.changes.length === 0) lines.push('  no step would do anything differently (a check or homeshift itself changed)');
    for (const c of g.changes) {
      const text = `  ${describeStaleChange(c)}`;
      lines.push(text.startsWith('  +') ? style.green(text) : text.startsWith('  -') ? style.red(text) : style.yellow(text));
    }
  }
  return lines.join('\n');
}
