import type Database from 'better-sqlite3';
import { machinesOf, offlineCaseChanges, type OfflineCaseChanges, type OfflineCaseRequest } from './offline-cases.js';
import { caseParams, toCaseRecord } from './sqlite-rows.js';
import { eventParams, INSERT_EVENT, UPSERT_CASE } from './sqlite-store.js';
import type { CaseRecord, ParkRecord, PresenceRecord, PresenceUpdate } from './store.js';

/** keep's record of the PCs it has seen and not seen, and the parks: SQL of the SQLite store, inside its write transactions. */
export function recordPresence(db: Database.Database, updates: PresenceUpdate[], offline: OfflineCaseRequest | undefined): OfflineCaseChanges {
  const seen = db.prepare(`INSERT INTO machine_presence (machine, site, last_seen, unseen_since, misses, next_probe_at) VALUES (?, ?, ?, NULL, 0, NULL)
    ON CONFLICT (machine) DO UPDATE SET site = excluded.site, last_seen = excluded.last_seen, unseen_since = NULL, misses = 0, next_probe_at = NULL`);
  const unseen = db.prepare(`INSERT INTO machine_presence (machine, site, last_seen, unseen_since, misses, next_probe_at) VALUES (?, ?, NULL, ?, 1, ?)
    ON CONFLICT (machine) DO UPDATE SET site = excluded.site, unseen_since = coalesce(machine_presence.unseen_since, excluded.unseen_since),
    misses = machine_presence.misses + 1, next_probe_at = excluded.next_probe_at`);
  for (const u of updates) {
    if (u.seen) seen.run(u.machine, u.site, u.at);
    else unseen.run(u.machine, u.site, u.at, u.nextProbeAt);
  }
  const select = db.prepare('SELECT * FROM cases WHERE machine = ?');
  const cases = new Map<string, CaseRecord>();
  for (const machine of machinesOf(updates, offline)) {
    const row = select.get(machine) as Record<string, unknown> | undefined;
    if (row) cases.set(machine, toCaseRecord(row));
  }
  const { rows, events, opened, closed } = offlineCaseChanges(cases, updates, offline);
  const upsertCase = db.prepare(UPSERT_CASE);
  const addEvent = db.prepare(INSERT_EVENT);
  for (const c of rows) upsertCase.run(caseParams(c));
  for (const e of events) addEvent.run(eventParams(e));
  return { opened, closed };
}

export function parkMachine(db: Database.Database, park: ParkRecord): void {
  db.prepare(`INSERT INTO parks (machine, until, note, who, parked_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (machine) DO UPDATE SET until = excluded.until, note = excluded.note, who = excluded.who, parked_at = excluded.parked_at`)
    .run(park.machine, park.until, park.note, park.who, park.parkedAt);
}

const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

export function presenceRow(r: Record<string, unknown>): PresenceRecord {
  return { machine: String(r.machine), site: String(r.site), lastSeen: isoOrNull(r.last_seen), unseenSince: isoOrNull(r.unseen_since), misses: Number(r.misses), nextProbeAt: isoOrNull(r.next_probe_at) };
}

export function parkRow(r: Record<string, unknown>): ParkRecord {
  return { machine: String(r.machine), until: isoOrNull(r.until)!, note: r.note === null ? null : String(r.note), who: String(r.who), parkedAt: isoOrNull(r.parked_at)! };
}
