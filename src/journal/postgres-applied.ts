import { mergeApplied, type AppliedState, type AppliedUpdate, type RemovableState } from '../model/applied-state.js';
import { appliedParams, appliedRow, byMachine, removableRow } from './applied.js';
import type { Query } from './postgres-reports.js';

const UPSERT = `INSERT INTO applied_state SELECT * FROM jsonb_populate_recordset(NULL::applied_state, $1::jsonb)
  ON CONFLICT (machine) DO UPDATE SET site = excluded.site, profile = excluded.profile, plan_hash = excluded.plan_hash, updated_at = excluded.updated_at, steps = excluded.steps, removable = excluded.removable, claimed = excluded.claimed`;
const REMOVABLE = 'SELECT machine, removable, CASE WHEN removable IS NULL THEN steps END AS steps FROM applied_state';

/** Inside the store's write transaction: the rows of the batch's machines are locked, merged and written back. */
export async function recordApplied(q: Query, updates: AppliedUpdate[]): Promise<void> {
  const grouped = byMachine(updates);
  const held = await q('SELECT * FROM applied_state WHERE machine = ANY($1::text[]) ORDER BY machine FOR UPDATE', [[...grouped.keys()]]);
  const states = new Map(held.rows.map((row) => [String(row.machine), appliedRow(row)]));
  const next = [...grouped].map(([machine, list]) => list.reduce<AppliedState | null>((state, u) => mergeApplied(state, u), states.get(machine) ?? null)!);
  await q(UPSERT, [JSON.stringify(next.map(appliedParams))]);
}

/** The rows of `select` (ending in FROM applied_state) for these machines, or all, by machine. */
async function rowsOf<T>(q: Query, select: string, map: (row: Record<string, unknown>) => T, machines?: readonly string[]): Promise<T[]> {
  const { rows } = machines === undefined
    ? await q(`${select} ORDER BY machine COLLATE "C"`)
    : await q(`${select} WHERE machine = ANY($1::text[]) ORDER BY machine COLLATE "C"`, [[...machines]]);
  return rows.map(map);
}

export async function listApplied(q: Query, machines?: readonly string[]): Promise<AppliedState[]> {
  return rowsOf(q, 'SELECT * FROM applied_state', appliedRow, machines);
}

export async function appliedPlanHashes(q: Query): Promise<Map<string, string | null>> {
  const { rows } = await q('SELECT machine, plan_hash FROM applied_state');
  return new Map(rows.map((r) => [String(r.machine), r.plan_hash === null ? null : String(r.plan_hash)]));
}

export async function listRemovable(q: Query, machines?: readonly string[]): Promise<RemovableState[]> {
  return rowsOf(q, REMOVABLE, removableRow, machines);
}

export async function importApplied(q: Query, states: AppliedState[]): Promise<number> {
  if (states.length === 0) return 0;
  const held = await q('SELECT machine, updated_at FROM applied_state WHERE machine = ANY($1::text[]) FOR UPDATE', [states.map((s) => s.machine)]);
  const at = new Map(held.rows.map((row) => [String(row.machine), Date.parse(row.updated_at instanceof Date ? row.updated_at.toISOString() : String(row.updated_at))]));
  const newer = states.filter((s) => (at.get(s.machine) ?? -Infinity) < Date.parse(s.updatedAt));
  if (newer.length > 0) await q(UPSERT, [JSON.stringify(newer.map(appliedParams))]);
  return newer.length;
}
