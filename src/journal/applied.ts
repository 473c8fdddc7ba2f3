import { removableOf, type AppliedState, type AppliedUpdate, type RemovableState } from '../model/applied-state.js';

/** The journal's record of what homeshift put on each PC (model/applied-state.ts), written after every apply result. */
export interface AppliedStore {
  /** Merge what apply results put on their PCs into each PC's applied state (one transaction). */
  recordApplied(updates: AppliedUpdate[]): Promise<void>;
  /** The applied states of these machines, or of all; by machine. */
  listApplied(machines?: readonly string[]): Promise<AppliedState[]>;
  /** The plan hash of each machine's last whole success (null: none yet), of the machines the journal has a record of. */
  appliedPlanHashes(): Promise<Map<string, string | null>>;
  /** What removal needs of these machines' applied states (or of all), by machine: no file texts. */
  listRemovable(machines?: readonly string[]): Promise<RemovableState[]>;
  /** Write copied applied states, keeping for each machine the newer one (journal copy); returns how many were written. */
  importApplied(states: AppliedState[]): Promise<number>;
}

type Row = Record<string, unknown>;

const iso = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v));

export function appliedRow(row: Row): AppliedState {
  return {
    machine: String(row.machine),
    site: String(row.site),
    profile: String(row.profile),
    planHash: row.plan_hash === null || row.plan_hash === undefined ? null : String(row.plan_hash),
    steps: JSON.parse(String(row.steps)) as AppliedState['steps'],
    ...(row.claimed === null || row.claimed === undefined ? {} : { claimed: JSON.parse(String(row.claimed)) as AppliedState['claimed'] }),
    updatedAt: iso(row.updated_at),
  };
}

export function appliedParams(s: AppliedState): Row {
  return { machine: s.machine, site: s.site, profile: s.profile, plan_hash: s.planHash, updated_at: s.updatedAt, steps: JSON.stringify(s.steps), removable: JSON.stringify(removableOf(s).steps), claimed: s.claimed?.length ? JSON.stringify(s.claimed) : null };
}

/** A row of (machine, removable, and steps only where removable is empty: a row written before the column was). */
export function removableRow(row: Row): RemovableState {
  if (row.removable !== null && row.removable !== undefined) return { machine: String(row.machine), steps: JSON.parse(String(row.removable)) as RemovableState['steps'] };
  return removableOf({ machine: String(row.machine), steps: JSON.parse(String(row.steps)) as AppliedState['steps'] }); // no claims then
}

/** The last update of each machine in a batch wins its place; earlier ones are merged first (results come in order). */
export function byMachine(updates: AppliedUpdate[]): Map<string, AppliedUpdate[]> {
  const out = new Map<string, AppliedUpdate[]>();
  for (const u of updates) out.set(u.machine, [...(out.get(u.machine) ?? []), u]);
  return out;
}
