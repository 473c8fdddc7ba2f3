import type Database from 'better-sqlite3';
import type { HeldLease, LeaseGrant, LeaseHolder } from './store.js';
import { UNFINISHED_IN } from './sqlite-reports.js';

/**
 * Machine leases in SQLite. Every method runs inside the store's BEGIN IMMEDIATE transaction, so controllers on
 * one machine serialise on the file's write lock; times are ISO strings by this process's clock (on one machine
 * every controller shares it), compared as text.
 */
const SAME_HOLDER = `leases.run_id = excluded.run_id AND leases.who = excluded.who AND leases.pid = excluded.pid`;

// The expiry rule, in one place: a lease is live while expires_at >= now; an expired one may be taken over.
const TAKE = `
  INSERT INTO leases (machine, run_id, who, pid, taken_at, expires_at) VALUES (@machine, @run_id, @who, @pid, @now, @expires)
  ON CONFLICT (machine) DO UPDATE SET run_id = excluded.run_id, who = excluded.who, pid = excluded.pid,
    taken_at = CASE WHEN ${SAME_HOLDER} THEN leases.taken_at ELSE excluded.taken_at END, expires_at = excluded.expires_at
  WHERE leases.expires_at < @now OR (${SAME_HOLDER})`;

const RENEW = `UPDATE leases SET expires_at = @expires WHERE machine = @machine AND run_id = @run_id AND who = @who AND pid = @pid`;
const RELEASE = `DELETE FROM leases WHERE machine = @machine AND run_id = @run_id AND who = @who AND pid = @pid`;

type LeaseRow = { machine: string; run_id: string; who: string; pid: number; taken_at: string; expires_at: string };

const toHeldLease = (r: LeaseRow): HeldLease => ({
  machine: r.machine, holder: { runId: r.run_id, who: r.who, pid: Number(r.pid) }, takenAt: r.taken_at, expiresAt: r.expires_at,
});

const params = (holder: LeaseHolder) => ({ run_id: holder.runId, who: holder.who, pid: holder.pid });

export function acquireLeases(db: Database.Database, holder: LeaseHolder, machines: string[], ttlMs: number, now = new Date()): LeaseGrant {
  const take = db.prepare(TAKE);
  const current = db.prepare('SELECT * FROM leases WHERE machine = ?');
  const at = now.toISOString();
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  const grant: LeaseGrant = { granted: [], busy: [] };
  for (const machine of new Set(machines)) {
    if (take.run({ ...params(holder), machine, now: at, expires }).changes === 1) grant.granted.push(machine);
    else grant.busy.push(toHeldLease(current.get(machine) as LeaseRow));
  }
  return grant;
}

export function renewLeases(db: Database.Database, holder: LeaseHolder, machines: string[], ttlMs: number, now = new Date()): string[] {
  const renew = db.prepare(RENEW);
  const expires = new Date(now.getTime() + ttlMs).toISOString();
  return [...new Set(machines)].filter((machine) => renew.run({ ...params(holder), machine, expires }).changes === 0);
}

export function releaseLeases(db: Database.Database, holder: LeaseHolder, machines: string[]): void {
  const release = db.prepare(RELEASE);
  for (const machine of new Set(machines)) release.run({ ...params(holder), machine });
}

/** recordResults gives back the leases its run holds on the machines it records (any controller of the run). */
export function releaseRecorded(db: Database.Database, runId: string, machine: string): void {
  db.prepare('DELETE FROM leases WHERE machine = ? AND run_id = ?').run(machine, runId);
}

/** The machines of `machines` whose row in the run has a final status; one statement for the whole batch. */
export function finishedInRun(db: Database.Database, runId: string, machines: string[]): string[] {
  if (machines.length === 0) return [];
  const rows = db.prepare(
    `SELECT machine FROM run_machines WHERE run_id = ? AND machine IN (SELECT value FROM json_each(?)) AND status NOT IN ${UNFINISHED_IN}`,
  ).all(runId, JSON.stringify(machines)) as { machine: string }[];
  const finished = new Set(rows.map((r) => r.machine));
  return machines.filter((m) => finished.has(m));
}

export function listLeases(db: Database.Database, now = new Date()): HeldLease[] {
  const rows = db.prepare('SELECT * FROM leases WHERE expires_at >= ? ORDER BY machine').all(now.toISOString()) as LeaseRow[];
  return rows.map(toHeldLease);
}
