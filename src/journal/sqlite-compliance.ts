import type Database from 'better-sqlite3';
import { complianceCase, complianceParams, complianceRow, nextCompliance } from './compliance.js';
import { caseParams, toCaseRecord } from './sqlite-rows.js';
import { eventParams, INSERT_EVENT, UPSERT_CASE } from './sqlite-store.js';
import { JournalError, type CaseContext, type ComplianceRecord, type ComplianceUpdate } from './store.js';

const UPSERT = `INSERT OR REPLACE INTO compliance (machine, site, state, check_step, message, fingerprint, since, checked_at, run_id)
  VALUES (@machine, @site, @state, @check_step, @message, @fingerprint, @since, @checked_at, @run_id)`;

/** Inside the store's write transaction: the compliance records and, for a check run, the cases they open or close. */
export function recordCompliance(db: Database.Database, location: string, runId: string, updates: ComplianceUpdate[], context: CaseContext): void {
  const run = db.prepare('SELECT mode FROM runs WHERE id = ?').get(runId) as { mode: string } | undefined;
  if (!run) throw new JournalError(`run ${runId} is not in the journal ${location}`);
  const selectState = db.prepare('SELECT * FROM compliance WHERE machine = ?');
  const selectCase = db.prepare('SELECT * FROM cases WHERE machine = ?');
  const rolledOut = db.prepare('SELECT 1 FROM machine_state WHERE machine = ?');
  const upsert = db.prepare(UPSERT);
  const upsertCase = db.prepare(UPSERT_CASE);
  const addEvent = db.prepare(INSERT_EVENT);
  for (const u of updates) {
    const row = selectState.get(u.machine) as Record<string, unknown> | undefined;
    const before = row ? complianceRow(row) : null;
    upsert.run(complianceParams(nextCompliance(before, runId, u)));
    if (run.mode !== 'check') continue; // an apply run's result has opened or closed its case already
    const caseRow = selectCase.get(u.machine) as Record<string, unknown> | undefined;
    const wasCompliant = before ? before.state === 'compliant' : rolledOut.get(u.machine) !== undefined;
    const change = complianceCase(caseRow ? toCaseRecord(caseRow) : null, runId, u, context, wasCompliant);
    if (!change) continue;
    upsertCase.run(caseParams(change.next));
    for (const e of change.events) addEvent.run(eventParams(e));
  }
}

export function listCompliance(db: Database.Database): ComplianceRecord[] {
  return (db.prepare('SELECT * FROM compliance ORDER BY machine').all() as Record<string, unknown>[]).map(complianceRow);
}

export function importCompliance(db: Database.Database, records: ComplianceRecord[]): number {
  const select = db.prepare('SELECT checked_at FROM compliance WHERE machine = ?');
  const upsert = db.prepare(UPSERT);
  let written = 0;
  for (const c of records) {
    const held = select.get(c.machine) as { checked_at: string } | undefined;
    if (held && Date.parse(held.checked_at) >= Date.parse(c.checkedAt)) continue;
    upsert.run(complianceParams(c));
    written++;
  }
  return written;
}
