import { describeCounts, isFailedStatus, type MachineStatus, type RunEvent, type RunListener } from '../model/result.js';
import type { Output } from './output.js';
import { localClock } from '../model/local-time.js';
import { printable } from '../model/printable.js';

const time = localClock;

/** Progress for logs and pipes: timestamped lines for waves, failures and a periodic tally, never one line per good PC. */
export function createPlainProgress(out: Output, opts: { everyMs?: number } = {}): RunListener {
  const every = opts.everyMs ?? 5000;
  let total = 0;
  let done = 0;
  let lastTally = Date.now();
  let startedAt = Date.now();
  const counts: Partial<Record<MachineStatus, number>> = {};
  const tally = (at: string) => {
    const rate = done / Math.max(0.001, (Date.now() - startedAt) / 1000);
    const parts = describeCounts(counts).join(', ');
    const eta = rate > 0 && done < total ? `, eta ${Math.ceil((total - done) / rate)}s` : '';
    out.out(`${time(at)} ${done}/${total} done (${parts || 'none yet'}), ${rate.toFixed(1)} machines/s${eta}`);
  };
  return (e: RunEvent) => {
    switch (e.kind) {
      case 'run-started':
        total = e.total;
        startedAt = Date.now();
        out.out(`${time(e.at)} run ${e.runId}: ${e.mode === 'check' ? 'checking' : 'rolling out to'} ${e.total} machine(s) in ${e.waves.length} wave(s) [${e.waves.join(', ')}]`);
        break;
      case 'wave-started':
        out.out(`${time(e.at)} wave ${e.wave}: ${e.size} machine(s)`);
        break;
      case 'machine-finished': {
        const r = e.result;
        done++;
        counts[r.status] = (counts[r.status] ?? 0) + 1;
        if (isFailedStatus(r.status) || r.status === 'interrupted') {
          const paint = isFailedStatus(r.status) ? out.c.red : out.c.yellow;
          out.out(`${time(e.at)} ${paint(r.status.toUpperCase())} ${printable(r.machine)} (${printable(r.site)}) [${r.errorClass}] ${printable(r.message ?? '')}`);
        }
        if (Date.now() - lastTally >= every) {
          lastTally = Date.now();
          tally(e.at);
        }
        break;
      }
      case 'machines-waiting': {
        const holders = e.busy.map((g) => (g.holder ? `${g.machines.length} held by run ${g.holder.runId} by ${g.holder.who} pid ${g.holder.pid}` : `${g.machines.length} elsewhere`)).join('; ');
        out.out(e.machines === 0 ? `${time(e.at)} wave ${e.wave}: every busy machine waited for is taken` : `${time(e.at)} wave ${e.wave}: waiting for ${e.machines} busy machine(s) (${holders})`);
        break;
      }
      case 'wave-finished':
        out.out(`${time(e.at)} wave ${e.wave} finished: ${e.done} machine(s), ${e.failed} failed`);
        break;
      case 'run-halted':
        out.out(`${time(e.at)} ${out.c.red('HALTED')}${e.reason.replace(/^halted/, '')}; no new machines are started`);
        break;
      case 'run-interrupted':
        out.out(`${time(e.at)} interrupted (${e.signal}): no new machines are started; in-flight steps finish (interrupt again to abort them)`);
        break;
      case 'run-finished':
        tally(e.at);
        break;
      default:
        break;
    }
  };
}

/** One JSON object per line per machine result (and the run's start and end) for other programs. */
export function createJsonProgress(write: (line: string) => void): RunListener {
  return (e: RunEvent) => {
    if (e.kind !== 'machine-started' && e.kind !== 'step-finished') {
      write(JSON.stringify(e));
    }
  };
}
