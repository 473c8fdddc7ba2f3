import { machinesOf, offlineCaseChanges, type OfflineCaseChanges, type OfflineCaseRequest } from './offline-cases.js';
import type { Query } from './postgres-reports.js';
export type { OfflineCaseChanges, OfflineCaseRequest } from './offline-cases.js';
import { eventJson, INSERT_EVENTS, UPSERT_CASES } from './postgres-rows.js';
import { caseParams, toCaseRecord } from './sqlite-rows.js';
import type { ParkRecord, PresenceUpdate } from './store.js';

/** keep's record of the PCs it has seen and not seen, and the parks: SQL of the PostgreSQL store, inside its write transactions. */
export async function recordPresence(q: Query, updates: PresenceUpdate[], offline: OfflineCaseRequest | undefined): Promise<OfflineCaseChanges> {
  const seen = updates.filter((u) => u.seen);
  const unseen = updates.filter((u) => !u.seen);
  if (seen.length > 0) await q(`INSERT INTO machine_presence (machine, site, last_seen, unseen_since, misses, next_probe_at)
    SELECT m, s, a, NULL, 0, NULL FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(m, s, a)
    ON CONFLICT (machine) DO UPDATE SET site = excluded.site, last_seen = excluded.last_seen, unseen_since = NULL, misses = 0, next_probe_at = NULL`,
  [seen.map((u) => u.machine), seen.map((u) => u.site), seen.map((u) => u.at)]);
  if (unseen.length > 0) await q(`INSERT INTO machine_presence (machine, site, last_seen, unseen_since, misses, next_probe_at)
    SELECT m, s, NULL, a, 1, n FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[]) AS u(m, s, a, n)
    ON CONFLICT (machine) DO UPDATE SET site = excluded.site, unseen_since = coalesce(machine_presence.unseen_since, excluded.unseen_since),
    misses = machine_presence.misses + 1, next_probe_at = excluded.next_probe_at`,
  [unseen.map((u) => u.machine), unseen.map((u) => u.site), unseen.map((u) => u.at), unseen.map((u) => u.nextProbeAt)]);
  const machines = machinesOf(updates, offline);
  if (machines.length === 0) return { opened: [], closed: [] };
  const held = await q('SELECT * FROM cases WHERE machine = ANY($1::text[]) ORDER BY machine FOR UPDATE', [machines]);
  const cases = new Map(held.rows.map((row) => [String(row.machine), toCaseRecord(row)]));
  const { rows, events, opened, closed } = offlineCaseChanges(cases, updates, offline);
  if (rows.length > 0) await q(UPSERT_CASES, [JSON.stringify(rows.map(caseParams))]);
  if (events.length > 0) await q(INSERT_EVENTS, [JSON.stringify(events.map(eventJson))]);
  return { opened, closed };
}

export async function parkMachine(q: Query, park: ParkRecord): Promise<void> {
  await q(`INSERT INTO parks (machine, until, note, who, parked_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (machine) DO UPDATE SET until = excluded.until, note = excluded.note, who = excluded.who, parked_at = excluded.parked_at`,
  [park.machine, park.until, park.note, park.who, park.parkedAt]);
}
