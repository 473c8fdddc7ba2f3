import type Database from 'better-sqlite3';
import { mergeApplied, type AppliedState, type AppliedUpdate, type RemovableState } from '../model/applied-state.js';
import { appliedParams, appliedRow, byMachine, removableRow } from './applied.js';

const UPSERT = `INSERT OR REPLACE INTO applied_state (machine, site, profile, plan_hash, updated_at, steps, removable, claimed)
  VALUES (@machine, @site, @profile, @plan_hash, @updated_at, @steps, @removable, @claimed)`;
const REMOVABLE = 'SELECT machine, removable, CASE WHEN removable IS NULL THEN steps END AS steps FROM applied_state';

/** Inside the store's write transaction. */
export function recordApplied(db: Database.Database, updates: AppliedUpdate[]): void {
  const select = db.prepare('SELECT * FROM applied_state WHERE machine = ?');
  const upsert = db.prepare(UPSERT);
  for (const [machine, list] of byMachine(updates)) {
    const row = select.get(machine) as Record<string, unknown> | undefined;
    upsert.run(appliedParams(list.reduce<AppliedState | null>((state, u) => mergeApplied(state, u), row ? appliedRow(row) : null)!));
  }
}

/** The rows of `select` (ending in FROM applied_state) for these machines, or all, by machine. */
function rowsOf<T>(db: Database.Database, select: string, map: (row: Record<string, unknown>) => T, machines?: readonly string[]): T[] {
  if (machines === undefined) return (db.prepare(`${select} ORDER BY machine`).all() as Record<string, unknown>[]).map(map);
  const one = db.prepare(`${select} WHERE machine = ?`);
  return [...new Set(machines)].sort().flatMap((m) => {
    const row = one.get(m) as Record<string, unknown> | undefined;
    return row ? [map(row)] : [];
  });
}

export function listApplied(db: Database.Database, machines?: readonly string[]): AppliedState[] {
  return rowsOf(db, 'SELECT * FROM applied_state', appliedRow, machines);
}

export function appliedPlanHashes(db: Database.Database): Map<string, string | null> {
  // from the index on (machine, plan_hash): the rows themselves hold every PC's files
  const rows = db.prepare('SELECT machine, plan_hash FROM applied_state INDEXED BY applied_plan_hashes').raw().all() as [string, string | null][];
  return new Map(rows);
}

export function listRemovable(db: Database.Database, machines?: readonly string[]): RemovableState[] {
  return rowsOf(db, REMOVABLE, removableRow, machines);
}

export function importApplied(db: Database.Database, states: AppliedState[]): number {
  const select = db.prepare('SELECT updated_at FROM applied_state WHERE machine = ?');
  const upsert = db.prepare(UPSERT);
  let written = 0;
  for (const s of states) {
    const held = select.get(s.machine) as { updated_at: string } | undefined;
    if (held && Date.parse(held.updated_at) >= Date.parse(s.updatedAt)) continue;
    upsert.run(appliedParams(s));
    written++;
  }
  return written;
}
