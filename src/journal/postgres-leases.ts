import type { Query } from './postgres-reports.js';
import { UNFINISHED_IN } from './sqlite-reports.js';
import type { HeldLease, LeaseGrant, LeaseHolder } from './store.js';

/**
 * Machine leases in PostgreSQL, shared by the control machines of a team: one INSERT … ON CONFLICT per batch takes
 * the free, expired or already-ours leases; expiry goes by the server's clock, so controllers' clocks never matter.
 */
type Row = Record<string, unknown>;

const SAME_HOLDER = 'leases.run_id = excluded.run_id AND leases.who = excluded.who AND leases.pid = excluded.pid';

/** A lease is ours to take when it is free, expired, or already held by exactly this holder; expiry by the server's clock. */
const ACQUIRE = `
  INSERT INTO leases (machine, run_id, who, pid, taken_at, expires_at)
  SELECT m, $1, $2, $3, now(), now() + $4 * interval '1 millisecond' FROM (SELECT DISTINCT unnest($5::text[]) AS m) wanted ORDER BY m
  ON CONFLICT (machine) DO UPDATE SET run_id = excluded.run_id, who = excluded.who, pid = excluded.pid,
    taken_at = CASE WHEN ${SAME_HOLDER} THEN leases.taken_at ELSE excluded.taken_at END, expires_at = excluded.expires_at
  WHERE leases.expires_at < now() OR (${SAME_HOLDER})
  RETURNING machine`;

const HOLDER = 'run_id = $1 AND who = $2 AND pid = $3';

function toHeldLease(r: Row): HeldLease {
  return {
    machine: String(r.machine),
    holder: { runId: String(r.run_id), who: String(r.who), pid: Number(r.pid) },
    takenAt: String(r.taken_at),
    expiresAt: String(r.expires_at),
  };
}

/** Takes what it can of `machines` inside the caller's transaction; the rest are reported with their holders. */
export async function acquireLeases(q: Query, holder: LeaseHolder, machines: string[], ttlMs: number): Promise<LeaseGrant> {
  const taken = await q(ACQUIRE, [holder.runId, holder.who, holder.pid, ttlMs, machines]);
  const granted = new Set(taken.rows.map((r) => String(r.machine)));
  const others = [...new Set(machines)].filter((m) => !granted.has(m));
  const busy = others.length > 0 ? (await q('SELECT * FROM leases WHERE machine = ANY($1::text[]) ORDER BY machine COLLATE "C"', [others])).rows.map(toHeldLease) : [];
  return { granted: machines.filter((m) => granted.has(m)), busy };
}

/** Extends this holder's leases; returns the machines it no longer holds. */
export async function renewLeases(q: Query, holder: LeaseHolder, machines: string[], ttlMs: number): Promise<string[]> {
  if (machines.length === 0) return [];
  const { rows } = await q(
    `UPDATE leases SET expires_at = now() + $4 * interval '1 millisecond' WHERE ${HOLDER} AND machine = ANY($5::text[]) RETURNING machine`,
    [holder.runId, holder.who, holder.pid, ttlMs, machines],
  );
  const kept = new Set(rows.map((r) => String(r.machine)));
  return machines.filter((m) => !kept.has(m));
}

export async function releaseLeases(q: Query, holder: LeaseHolder, machines: string[]): Promise<void> {
  if (machines.length === 0) return;
  await q(`DELETE FROM leases WHERE ${HOLDER} AND machine = ANY($4::text[])`, [holder.runId, holder.who, holder.pid, machines]);
}

/** The machines of `machines` whose row in the run has a final status; one query for the whole batch. */
export async function finishedInRun(q: Query, runId: string, machines: string[]): Promise<string[]> {
  if (machines.length === 0) return [];
  const { rows } = await q(
    `SELECT machine FROM run_machines WHERE run_id = $1 AND machine = ANY($2::text[]) AND status NOT IN ${UNFINISHED_IN}`,
    [runId, machines],
  );
  const finished = new Set(rows.map((r) => String(r.machine)));
  return machines.filter((m) => finished.has(m));
}

/** The live leases, by machine. */
export async function listLeases(q: Query): Promise<HeldLease[]> {
  const { rows } = await q('SELECT * FROM leases WHERE expires_at >= now() ORDER BY machine COLLATE "C"');
  return rows.map(toHeldLease);
}
