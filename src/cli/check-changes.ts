/**
 * What `rollout --check` found would change, by PC and step: the PCs whose check said would-change, their plan
 * against what the journal says was applied (file lines included, as plan --diff shows them), and apart from those
 * the PCs that differ on the PC itself (a setting changed there, a file edited) with the steps that would fix it.
 */
import type { JournalStore } from '../journal/index.js';
import type { Plan } from '../model/plan.js';
import type { RunEvent, RunListener } from '../model/result.js';
import { diffApplied } from '../plan/applied-diff.js';
import type { FormatOptions } from '../report/format.js';
import { formatAppliedDiff } from '../report/applied-diff-format.js';
import { machineList } from '../report/plan-diff-format.js';

/** Collects the steps that would change on each PC from the run's results. */
export function collectWouldChange(): RunListener & { found: Map<string, string[]> } {
  const found = new Map<string, string[]>();
  const listener = (event: RunEvent): void => {
    if (event.kind !== 'machine-finished' || event.result.status !== 'would-change') return;
    found.set(event.result.machine, event.result.steps.filter((s) => s.status === 'would-change').map((s) => s.step));
  };
  return Object.assign(listener, { found });
}

export async function formatCheckChanges(plan: Plan, store: JournalStore, wouldChange: Map<string, string[]>, options: FormatOptions = {}): Promise<string> {
  if (wouldChange.size === 0) return '';
  const machines = plan.machines.filter((m) => wouldChange.has(m.machine.id));
  const diff = diffApplied(machines, plan.scripts, await store.listApplied(machines.map((m) => m.machine.id)));
  const explained = new Set([...diff.groups.flatMap((g) => g.machines), ...diff.unrecorded]);
  const text = formatAppliedDiff(diff, (n) => `Would change, against what was applied (${n} PC${n === 1 ? '' : 's'}; nothing was changed):`, options);
  // the plan is what was applied, yet the PC's own state differs: grouped by the steps that would set it right
  const drift = new Map<string, string[]>();
  for (const m of machines) {
    if (explained.has(m.machine.id)) continue;
    const titles = wouldChange.get(m.machine.id)!.map((id) => m.steps.find((s) => s.id === id)?.title ?? id);
    const key = titles.join('\n');
    drift.set(key, [...(drift.get(key) ?? []), m.machine.id]);
  }
  const driftText = [...drift.entries()].sort((a, b) => b[1].length - a[1].length).map(([titles, ids]) => {
    return [`${ids.length} PC${ids.length === 1 ? '' : 's'}: ${machineList(ids)}`, ...titles.split('\n').map((t) => `  ~ ${t} (the PC differs from what was applied)`)].join('\n');
  });
  const parts = [text, ...(driftText.length ? [`Would change on the PC itself, the plan unchanged:\n\n${driftText.join('\n\n')}`] : [])].filter(Boolean);
  return parts.join('\n\n');
}
