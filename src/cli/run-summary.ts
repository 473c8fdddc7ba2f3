import type { BusyGroup } from '../model/result.js';
import type { RolloutSummary } from '../run/rollout.js';
import { EXIT } from './exit.js';

function describeBusy(groups: BusyGroup[]): string {
  return groups
    .map((g) => (g.holder ? `${g.machines.length} held by run ${g.holder.runId} by ${g.holder.who} pid ${g.holder.pid}` : `${g.machines.length} finished by another controller of this run`))
    .join('; ');
}

/** The run's one summary line: every count, busy machines with who holds them. */
export function summaryLine(s: RolloutSummary): string {
  const c = s.counts;
  const busy = c.busy ? `, ${c.busy} busy (${describeBusy(s.busy)})` : '';
  return `run ${s.runId}: ${c.ok} ok, ${c.changed} changed, ${c['would-change']} would change, ${c.failed} failed, ${c.unreachable} unreachable, ${c.interrupted} interrupted${busy}`
    + (s.notStarted ? `, ${s.notStarted} not started` : '');
}

/** Busy machines are not failures: the exit code follows the outcome alone. */
export function exitCodeOf(s: RolloutSummary): number {
  switch (s.outcome) {
    case 'interrupted': return EXIT.interrupted;
    case 'halted': return EXIT.halted;
    case 'failed': return EXIT.failed;
    default: return EXIT.ok;
  }
}
