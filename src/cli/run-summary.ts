import { describeCounts, type BusyGroup } from '../model/result.js';
import type { RolloutSummary } from '../run/rollout.js';
import { EXIT } from './exit.js';

function describeBusy(groups: BusyGroup[]): string {
  return groups
    .map((g) => (g.holder ? `${g.machines.length} held by run ${g.holder.runId} by ${g.holder.who} pid ${g.holder.pid}` : `${g.machines.length} finished by another controller of this run`))
    .join('; ');
}

/** The run's one summary line: the non-zero counts (failed as every view counts it), busy machines with who holds them. */
export function summaryLine(s: RolloutSummary): string {
  const c = s.counts;
  const parts = describeCounts({ ...c, busy: 0 });
  if (c.busy) parts.push(`${c.busy} busy (${describeBusy(s.busy)})`);
  if (s.notStarted) parts.push(`${s.notStarted} not started${s.outcome === 'halted' ? ' (halted)' : ''}`);
  const reboot = s.rebootRequired ?? [];
  if (reboot.length) parts.push(`${reboot.length} reboot pending (${reboot.length <= 5 ? reboot.join(', ') : `${reboot.slice(0, 5).join(', ')} and ${reboot.length - 5} more`})`);
  return `run ${s.runId}: ${parts.join(', ') || 'no machines'}`;
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

/** Options of the command line that `rollout --resume` does not take: the selection (the run keeps its own) and rerun's filters. */
const SELECTION_OPTIONS = new Set(['--limit', '-l', '--class', '--cause', '--site', '--machine']);
const SELECTION_FLAGS = new Set(['--failed', '--resume']);

/**
 * The command that continues a halted run: the same invocation (global options, waves, thresholds, forks, output)
 * as `rollout --resume`, without the selection. argv is process.argv.slice(2).
 */
export function continueCommand(argv: readonly string[]): string {
  const words: string[] = ['homeshift'];
  let command = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const name = arg.split('=')[0];
    if (!command && (arg === 'rollout' || arg === 'rerun')) {
      words.push('rollout', '--resume');
      command = true;
    } else if (SELECTION_FLAGS.has(arg)) continue;
    else if (SELECTION_OPTIONS.has(name)) {
      if (!arg.includes('=')) i++;
    } else words.push(arg);
  }
  return words.map(shellWord).join(' ');
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
