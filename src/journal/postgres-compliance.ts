import { complianceCase, complianceParams, complianceRow, nextCompliance } from './compliance.js';
import { eventJson, INSERT_EVENTS, UPSERT_CASES } from './postgres-rows.js';
import type { Query } from './postgres-reports.js';
import { caseParams, toCaseRecord } from './sqlite-rows.js';
import { JournalError, type CaseContext, type CaseEvent, type CaseRecord, type ComplianceRecord, type ComplianceUpdate } from './store.js';

const UPSERT = `INSERT INTO compliance SELECT * FROM jsonb_populate_recordset(NULL::compliance, $1::jsonb)
  ON CONFLICT (machine) DO UPDATE SET site = excluded.site, state = excluded.state, check_step = excluded.check_step, message = excluded.message,
    fingerprint = excluded.fingerprint, since = excluded.since, checked_at = excluded.checked_at, run_id = excluded.run_id`;

/** Inside the store's write transaction: the compliance records and, for a check run, the cases they open or close. */
export async function recordCompliance(q: Query, location: string, runId: string, updates: ComplianceUpdate[], context: CaseContext): Promise<void> {
  const { rows } = await q('SELECT mode FROM runs WHERE id = $1', [runId]);
  if (rows.length === 0) throw new JournalError(`run ${runId} is not in the journal ${location}`);
  const byMachine = new Map(updates.map((u) => [u.machine, u])); // the last update of a machine wins
  const machines = [...byMachine.keys()];
  const held = await q('SELECT * FROM compliance WHERE machine = ANY($1::text[]) ORDER BY machine FOR UPDATE', [machines]);
  const states = new Map(held.rows.map((row) => [String(row.machine), complianceRow(row)]));
  await q(UPSERT, [JSON.stringify([...byMachine.values()].map((u) => complianceParams(nextCompliance(states.get(u.machine) ?? null, runId, u))))]);
  if (rows[0].mode !== 'check') return; // an apply run's result has opened or closed its case already
  const existing = await q('SELECT * FROM cases WHERE machine = ANY($1::text[]) ORDER BY machine FOR UPDATE', [machines]);
  const cases = new Map(existing.rows.map((row) => [String(row.machine), toCaseRecord(row)]));
  const rolledOut = new Set((await q('SELECT machine FROM machine_state WHERE machine = ANY($1::text[])', [machines])).rows.map((row) => String(row.machine)));
  const changed: CaseRecord[] = [];
  const events: CaseEvent[] = [];
  for (const u of byMachine.values()) {
    const before = states.get(u.machine);
    const wasCompliant = before ? before.state === 'compliant' : rolledOut.has(u.machine);
    const change = complianceCase(cases.get(u.machine) ?? null, runId, u, context, wasCompliant);
    if (!change) continue;
    changed.push(change.next);
    events.push(...change.events);
  }
  if (changed.length > 0) await q(UPSERT_CASES, [JSON.stringify(changed.map(caseParams))]);
  if (events.length > 0) await q(INSERT_EVENTS, [JSON.stringify(events.map(eventJson))]);
}

export async function listCompliance(q: Query): Promise<ComplianceRecord[]> {
  return (await q('SELECT * FROM compliance ORDER BY machine COLLATE "C"')).rows.map(complianceRow);
}

export async function importCompliance(q: Query, records: ComplianceRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const held = await q('SELECT machine, checked_at FROM compliance WHERE machine = ANY($1::text[]) FOR UPDATE', [records.map((c) => c.machine)]);
  const at = new Map(held.rows.map((row) => [String(row.machine), Date.parse(String(row.checked_at))]));
  const newer = records.filter((c) => (at.get(c.machine) ?? -Infinity) < Date.parse(c.checkedAt));
  if (newer.length > 0) await q(UPSERT, [JSON.stringify(newer.map(complianceParams))]);
  return newer.length;
}
