import type { DiffGroup, PlanDiff } from '../plan/plan-diff.js';
import { describeChange } from '../plan/plan-diff.js';
import { createStyle, type FormatOptions } from './format.js';

const SHOWN = 8; // PC ids named per group before "(+N more)"

/** PC ids, the first few named and the rest counted: "A B C (+12 more)". */
export function machineList(ids: readonly string[]): string {
  return ids.length <= SHOWN ? ids.join(' ') : `${ids.slice(0, SHOWN).join(' ')} (+${ids.length - SHOWN} more)`;
}

function groupText(g: DiffGroup, options: FormatOptions & { patches: boolean }): string {
  const style = createStyle(options);
  const head = `${style.bold(`${g.machines.length} PC${g.machines.length === 1 ? '' : 's'}`)}: ${machineList(g.machines)}`;
  const lines = g.changes.map((c) => {
    const text = `  ${describeChange(c)}`;
    return text.startsWith('  +') ? style.green(text) : text.startsWith('  -') ? style.red(text) : style.yellow(text);
  });
  if (options.patches && g.example.patches.length) {
    lines.push(`  files, as on ${g.example.machine}:`);
    for (const p of g.example.patches) {
      const body = p.patch.split('\n').slice(3).filter((l) => l !== '').map((l) => `    ${l}`);
      lines.push(`    ${p.step}: ${p.path}`, ...body);
    }
  }
  return [head, ...lines].join('\n');
}

/** The grouped change, largest group first; --format json gives the same as data. */
export function formatPlanDiff(diff: PlanDiff, against: string, format: string, options: FormatOptions & { patches?: boolean } = {}): string {
  if (format === 'json') return `${JSON.stringify({ against, unchanged: diff.unchanged, groups: diff.groups }, null, 2)}\n`;
  const changed = diff.groups.reduce((n, g) => n + g.machines.length, 0);
  const title = `plan against ${against}: ${changed} PC${changed === 1 ? '' : 's'} would change, ${diff.unchanged} unchanged`;
  if (!diff.groups.length) return `${title}\n`;
  return `${title}\n\n${formatDiffGroups(diff.groups, options)}\n`;
}

/** The groups alone, as plan --diff prints them under its title. */
export function formatDiffGroups(groups: DiffGroup[], options: FormatOptions & { patches?: boolean } = {}): string {
  return groups.map((g) => groupText(g, { ...options, patches: options.patches ?? true })).join('\n\n');
}
