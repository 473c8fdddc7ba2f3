/**
 * Why PCs are stale, and what a check run found would change: the current plan against what the journal says was
 * applied (plan/applied-diff.ts), in plan --diff's words and groups.
 */
import type { AppliedDiff } from '../plan/applied-diff.js';
import { formatDiffGroups, machineList } from './plan-diff-format.js';
import type { FormatOptions } from './format.js';

/** `title` heads the text when anything is to be said; file lines are shown for one PC of each group. */
export function formatAppliedDiff(diff: AppliedDiff, title: (changed: number) => string, options: FormatOptions = {}): string {
  const changed = diff.groups.reduce((n, g) => n + g.machines.length, 0);
  if (changed === 0 && diff.unrecorded.length === 0) return '';
  const parts = [title(changed)];
  if (diff.groups.length) parts.push(formatDiffGroups(diff.groups, options));
  if (diff.unrecorded.length) {
    parts.push(`${diff.unrecorded.length} PC${diff.unrecorded.length === 1 ? '' : 's'} without a record of what was applied (rolled out before the journal kept one, or never): ${machineList(diff.unrecorded)}`);
  }
  return parts.join('\n\n');
}
