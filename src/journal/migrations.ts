import type Database from 'better-sqlite3';
import { JournalError } from './store.js';

/** Schema versions in order; PRAGMA user_version holds how many of them a file has. Never edit one, append. */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    who TEXT NOT NULL,
    command_line TEXT NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('apply', 'check')),
    plan_hash TEXT NOT NULL,
    selector TEXT,
    outcome TEXT CHECK (outcome IN ('ok', 'failed', 'halted', 'interrupted')),
    total INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL DEFAULT '{}'
  );
  CREATE TABLE run_machines (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    machine TEXT NOT NULL,
    site TEXT NOT NULL,
    wave INTEGER NOT NULL,
    status TEXT NOT NULL,
    error_class TEXT,
    message TEXT,
    fingerprint TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_at TEXT,
    finished_at TEXT,
    duration_ms INTEGER,
    plan_hash TEXT NOT NULL,
    PRIMARY KEY (run_id, machine)
  );
  CREATE TABLE step_results (
    run_id TEXT NOT NULL,
    machine TEXT NOT NULL,
    seq INTEGER NOT NULL,
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    error_class TEXT,
    exit_code INTEGER,
    duration_ms INTEGER NOT NULL,
    message TEXT,
    stdout_tail TEXT NOT NULL DEFAULT '',
    stderr_tail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, machine, seq),
    FOREIGN KEY (run_id, machine) REFERENCES run_machines(run_id, machine) ON DELETE CASCADE
  );
  CREATE TABLE cases (
    machine TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    error_class TEXT,
    fingerprint TEXT,
    message TEXT,
    first_failed TEXT NOT NULL,
    last_attempt TEXT NOT NULL,
    last_run TEXT NOT NULL REFERENCES runs(id),
    attempts INTEGER NOT NULL,
    owner TEXT,
    escalated_at TEXT,
    closed_at TEXT,
    closed_by_run TEXT REFERENCES runs(id)
  );
  CREATE TABLE machine_state (
    machine TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    last_success_run TEXT NOT NULL REFERENCES runs(id),
    last_success_plan_hash TEXT NOT NULL,
    last_success_at TEXT NOT NULL
  );
  `,
  `
  CREATE INDEX run_machines_by_machine ON run_machines(machine, started_at);
  CREATE INDEX run_machines_by_status ON run_machines(run_id, status);
  CREATE INDEX cases_by_status ON cases(status, site);
  CREATE INDEX cases_by_fingerprint ON cases(fingerprint);
  CREATE INDEX runs_by_start ON runs(started_at);
  `,
  // One row per machine: who works on it until when. Not tied to runs by a foreign key: a lease outlives nothing.
  `
  CREATE TABLE leases (
    machine TEXT PRIMARY KEY,
    run_id TEXT NOT NULL,
    who TEXT NOT NULL,
    pid INTEGER NOT NULL,
    taken_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  CREATE INDEX leases_by_run ON leases(run_id);
  `,
  // When a case's owner must have reacted (opened plus its routing rule's reactWithin).
  `
  ALTER TABLE cases ADD COLUMN due_at TEXT;
  `,
  // A case's history: opened and closed by runs, reassigned and annotated by people. Kept when the case reopens.
  `
  CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    machine TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('opened', 'closed', 'assigned', 'note')),
    owner TEXT,
    text TEXT,
    run_id TEXT REFERENCES runs(id),
    who TEXT
  );
  CREATE INDEX case_events_by_machine ON case_events(machine, at, id);
  `,
  // A result that is done but waits for the PC to restart (msiexec 3010/1641): 1 on the step and on its machine.
  `
  ALTER TABLE run_machines ADD COLUMN reboot_required INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE step_results ADD COLUMN reboot_required INTEGER NOT NULL DEFAULT 0;
  `,
  // A case that escalates (past its due time, or by attempts) gets an event naming who it went to.
  // SQLite cannot change a CHECK constraint: the table is rebuilt with its rows and ids.
  `
  CREATE TABLE case_events_v2 (
    id INTEGER PRIMARY KEY,
    machine TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('opened', 'closed', 'assigned', 'note', 'escalated')),
    owner TEXT,
    text TEXT,
    run_id TEXT REFERENCES runs(id),
    who TEXT
  );
  INSERT INTO case_events_v2 (id, machine, at, kind, owner, text, run_id, who) SELECT id, machine, at, kind, owner, text, run_id, who FROM case_events;
  DROP TABLE case_events;
  ALTER TABLE case_events_v2 RENAME TO case_events;
  CREATE INDEX case_events_by_machine ON case_events(machine, at, id);
  `,
  // What notify mailed: per recipient, digest and machine, the case's state it reported (mailed again when it changes).
  `
  CREATE TABLE notify_deliveries (
    recipient TEXT NOT NULL,
    digest TEXT NOT NULL CHECK (digest IN ('owner', 'escalation')),
    machine TEXT NOT NULL,
    state TEXT NOT NULL,
    delivered_at TEXT NOT NULL,
    PRIMARY KEY (recipient, digest, machine)
  );
  `,
  // keep: when each PC last answered a probe or since when it has not (offline is a state, not a failure),
  // and the PCs parked until a date (a colleague on holiday, a PC at repair).
  `
  CREATE TABLE machine_presence (
    machine TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    last_seen TEXT,
    unseen_since TEXT,
    misses INTEGER NOT NULL DEFAULT 0,
    next_probe_at TEXT
  );
  CREATE TABLE parks (
    machine TEXT PRIMARY KEY,
    until TEXT NOT NULL,
    note TEXT,
    who TEXT NOT NULL,
    parked_at TEXT NOT NULL
  );
  `,
  // A PC's compliance with its profile's data-protection checks (keep runs them again every compliance.every).
  `
  CREATE TABLE compliance (
    machine TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('compliant', 'not-compliant')),
    check_step TEXT,
    message TEXT,
    fingerprint TEXT,
    since TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    run_id TEXT NOT NULL
  );
  `,
  // What homeshift put on each PC: per step the version applied, its files' hashes and its packages (model/applied-state.ts).
  `
  CREATE TABLE applied_state (
    machine TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    profile TEXT NOT NULL,
    plan_hash TEXT,
    updated_at TEXT NOT NULL,
    steps TEXT NOT NULL
  );
  `,
  // A case keep opens for a PC not seen for days comes from no run: last_run may be empty. The table is rebuilt
  // with its rows, as SQLite cannot drop a NOT NULL.
  `
  CREATE TABLE cases_v2 (
    machine TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    error_class TEXT,
    fingerprint TEXT,
    message TEXT,
    first_failed TEXT NOT NULL,
    last_attempt TEXT NOT NULL,
    last_run TEXT REFERENCES runs(id),
    attempts INTEGER NOT NULL,
    owner TEXT,
    escalated_at TEXT,
    closed_at TEXT,
    closed_by_run TEXT REFERENCES runs(id),
    due_at TEXT
  );
  INSERT INTO cases_v2 (machine, site, status, error_class, fingerprint, message, first_failed, last_attempt, last_run, attempts, owner, escalated_at, closed_at, closed_by_run, due_at)
    SELECT machine, site, status, error_class, fingerprint, message, first_failed, last_attempt, last_run, attempts, owner, escalated_at, closed_at, closed_by_run, due_at FROM cases;
  DROP TABLE cases;
  ALTER TABLE cases_v2 RENAME TO cases;
  CREATE INDEX cases_by_status ON cases(status, site);
  CREATE INDEX cases_by_fingerprint ON cases(fingerprint);
  `,
  // What removal needs of a PC's applied state, without the files' texts (model/applied-state.ts removableOf);
  // empty in rows written before: read from steps then. claimed: what steps installed in runs in which they failed.
  `
  ALTER TABLE applied_state ADD COLUMN removable TEXT;
  ALTER TABLE applied_state ADD COLUMN claimed TEXT;
  CREATE INDEX applied_plan_hashes ON applied_state(machine, plan_hash);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

function readVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Bring a journal file up to `target` (default: the newest schema); refuse a file written by a newer homeshift. */
export function migrate(db: Database.Database, location: string, target = SCHEMA_VERSION): number {
  // Immediate: two processes opening an old file at once upgrade it once.
  return db.transaction(() => {
    const current = readVersion(db);
    if (current > SCHEMA_VERSION) {
      throw new JournalError(
        `${location}: journal schema version ${current} is newer than this homeshift supports (${SCHEMA_VERSION}); upgrade homeshift to read it`,
      );
    }
    for (let version = current; version < target; version++) db.exec(MIGRATIONS[version]);
    if (target > current) db.pragma(`user_version = ${target}`);
    return Math.max(current, target);
  }).immediate();
}
