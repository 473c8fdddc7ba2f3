import type Database from 'better-sqlite3';
import type { RebootPendingRecord } from './store.js';

type Row = Record<string, unknown>;

// A PC waits for a reboot while the newest apply result that reached it asked for one (msiexec 3010/1641).
// homeshift cannot see the restart itself: the next run that reaches the PC replaces that result.
// Only machines that ever asked for one are ranked: status runs this on every call, over every result row otherwise.
const newestReached = (flag: (table: string) => string) => `
  SELECT machine, site, run_id, finished_at FROM (
    SELECT m.machine, m.site, m.run_id, m.finished_at, m.reboot_required,
      row_number() OVER (PARTITION BY m.machine ORDER BY r.started_at DESC, m.run_id DESC) AS newest
    FROM run_machines m JOIN runs r ON r.id = m.run_id
    WHERE r.mode = 'apply' AND m.status NOT IN ('pending', 'interrupted', 'busy', 'unreachable')
      AND m.machine IN (SELECT f.machine FROM run_machines f WHERE ${flag('f')})) x
  WHERE x.newest = 1 AND ${flag('x')}
  ORDER BY x.site, x.machine`;

const toRecord = (r: Row): RebootPendingRecord => ({ machine: String(r.machine), site: String(r.site), runId: String(r.run_id), since: r.finished_at === null ? null : String(r.finished_at) });

export function sqliteRebootPending(db: Database.Database): RebootPendingRecord[] {
  return (db.prepare(newestReached((t) => `${t}.reboot_required <> 0`)).all() as Row[]).map(toRecord);
}

export async function postgresRebootPending(q: (sql: string) => Promise<{ rows: Row[] }>): Promise<RebootPendingRecord[]> {
  return (await q(newestReached((t) => `${t}.reboot_required`))).rows.map(toRecord);
}
