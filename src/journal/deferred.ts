import type Database from 'better-sqlite3';
import type { DeferredRecord } from './store.js';

type Row = Record<string, unknown>;

// A PC has deferred work while the newest apply result that reached it left a disturbing step for later (outside the
// window of time, a user logged on). Only machines that ever had a deferred step are ranked, as for reboot-pending.
const NEWEST_DEFERRED = `
  SELECT x.machine, x.site, x.run_id, x.finished_at, x.plan_hash,
    (SELECT min(d.message) FROM step_results d WHERE d.run_id = x.run_id AND d.machine = x.machine AND d.status = 'deferred') AS reason
  FROM (
    SELECT m.machine, m.site, m.run_id, m.finished_at, m.plan_hash,
      row_number() OVER (PARTITION BY m.machine ORDER BY r.started_at DESC, m.run_id DESC) AS newest
    FROM run_machines m JOIN runs r ON r.id = m.run_id
    WHERE r.mode = 'apply' AND m.status NOT IN ('pending', 'interrupted', 'busy', 'unreachable')
      AND m.machine IN (SELECT s.machine FROM step_results s WHERE s.status = 'deferred')) x
  WHERE x.newest = 1 AND EXISTS (SELECT 1 FROM step_results d WHERE d.run_id = x.run_id AND d.machine = x.machine AND d.status = 'deferred')
  ORDER BY x.site, x.machine`;

const toRecord = (r: Row): DeferredRecord => ({
  machine: String(r.machine), site: String(r.site), runId: String(r.run_id), since: r.finished_at === null ? null : String(r.finished_at),
  planHash: String(r.plan_hash), reason: r.reason === null ? null : String(r.reason),
});

export function sqliteDeferred(db: Database.Database): DeferredRecord[] {
  return (db.prepare(NEWEST_DEFERRED).all() as Row[]).map(toRecord);
}

export async function postgresDeferred(q: (sql: string) => Promise<{ rows: Row[] }>): Promise<DeferredRecord[]> {
  return (await q(NEWEST_DEFERRED)).rows.map(toRecord);
}
