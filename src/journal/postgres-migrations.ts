import type pg from 'pg';
import { JournalError } from './store.js';

/**
 * PostgreSQL's own schema versions, in order (the same tables as the SQLite journal, with PostgreSQL's types).
 * schema_migrations holds the versions a database has. Never edit one, append.
 */
export const PG_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE runs (
    id text PRIMARY KEY,
    started_at timestamptz NOT NULL,
    finished_at timestamptz,
    who text NOT NULL,
    command_line text NOT NULL,
    mode text NOT NULL CHECK (mode IN ('apply', 'check')),
    plan_hash text NOT NULL,
    selector text,
    outcome text CHECK (outcome IN ('ok', 'failed', 'halted', 'interrupted')),
    total integer NOT NULL DEFAULT 0,
    counts jsonb NOT NULL DEFAULT '{}'
  );
  CREATE TABLE run_machines (
    run_id text NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    machine text NOT NULL,
    site text NOT NULL,
    wave integer NOT NULL,
    status text NOT NULL,
    error_class text,
    message text,
    fingerprint text,
    attempts integer NOT NULL DEFAULT 0,
    started_at timestamptz,
    finished_at timestamptz,
    duration_ms integer,
    plan_hash text NOT NULL,
    PRIMARY KEY (run_id, machine)
  );
  CREATE TABLE step_results (
    run_id text NOT NULL,
    machine text NOT NULL,
    seq integer NOT NULL,
    step text NOT NULL,
    status text NOT NULL,
    error_class text,
    exit_code integer,
    duration_ms integer NOT NULL,
    message text,
    stdout_tail text NOT NULL DEFAULT '',
    stderr_tail text NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, machine, seq),
    FOREIGN KEY (run_id, machine) REFERENCES run_machines(run_id, machine) ON DELETE CASCADE
  );
  CREATE TABLE cases (
    machine text PRIMARY KEY,
    site text NOT NULL,
    status text NOT NULL CHECK (status IN ('open', 'closed')),
    error_class text,
    fingerprint text,
    message text,
    first_failed timestamptz NOT NULL,
    last_attempt timestamptz NOT NULL,
    last_run text NOT NULL REFERENCES runs(id),
    attempts integer NOT NULL,
    owner text,
    escalated_at timestamptz,
    closed_at timestamptz,
    closed_by_run text REFERENCES runs(id)
  );
  CREATE TABLE machine_state (
    machine text PRIMARY KEY,
    site text NOT NULL,
    last_success_run text NOT NULL REFERENCES runs(id),
    last_success_plan_hash text NOT NULL,
    last_success_at timestamptz NOT NULL
  );
  CREATE TABLE leases (
    machine text PRIMARY KEY,
    run_id text NOT NULL,
    who text NOT NULL,
    pid integer NOT NULL,
    taken_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
  );
  CREATE INDEX run_machines_by_machine ON run_machines(machine, started_at);
  CREATE INDEX run_machines_by_status ON run_machines(run_id, status);
  CREATE INDEX cases_by_status ON cases(status, site);
  CREATE INDEX cases_by_fingerprint ON cases(fingerprint);
  CREATE INDEX runs_by_start ON runs(started_at);
  CREATE INDEX leases_by_run ON leases(run_id);
  `,
  // When a case's owner must have reacted (opened plus its routing rule's reactWithin).
  `
  ALTER TABLE cases ADD COLUMN due_at timestamptz;
  `,
  // A case's history: opened and closed by runs, reassigned and annotated by people. Kept when the case reopens.
  `
  CREATE TABLE case_events (
    id bigserial PRIMARY KEY,
    machine text NOT NULL,
    at timestamptz NOT NULL,
    kind text NOT NULL CHECK (kind IN ('opened', 'closed', 'assigned', 'note')),
    owner text,
    text text,
    run_id text REFERENCES runs(id),
    who text
  );
  CREATE INDEX case_events_by_machine ON case_events(machine, at, id);
  `,
  // A result that is done but waits for the PC to restart (msiexec 3010/1641): true on the step and on its machine.
  `
  ALTER TABLE run_machines ADD COLUMN reboot_required boolean NOT NULL DEFAULT false;
  ALTER TABLE step_results ADD COLUMN reboot_required boolean NOT NULL DEFAULT false;
  `,
  // A case that escalates (past its due time, or by attempts) gets an event naming who it went to.
  `
  ALTER TABLE case_events DROP CONSTRAINT case_events_kind_check;
  ALTER TABLE case_events ADD CONSTRAINT case_events_kind_check CHECK (kind IN ('opened', 'closed', 'assigned', 'note', 'escalated'));
  `,
  // What notify mailed: per recipient, digest and machine, the case's state it reported (mailed again when it changes).
  `
  CREATE TABLE notify_deliveries (
    recipient text NOT NULL,
    digest text NOT NULL CHECK (digest IN ('owner', 'escalation')),
    machine text NOT NULL,
    state text NOT NULL,
    delivered_at timestamptz NOT NULL,
    PRIMARY KEY (recipient, digest, machine)
  );
  `,
  // keep: when each PC last answered a probe or since when it has not, and the PCs parked until a date.
  `
  CREATE TABLE machine_presence (
    machine text PRIMARY KEY,
    site text NOT NULL,
    last_seen timestamptz,
    unseen_since timestamptz,
    misses integer NOT NULL DEFAULT 0,
    next_probe_at timestamptz
  );
  CREATE TABLE parks (
    machine text PRIMARY KEY,
    until timestamptz NOT NULL,
    note text,
    who text NOT NULL,
    parked_at timestamptz NOT NULL
  );
  `,
  `
  CREATE TABLE compliance (
    machine text PRIMARY KEY,
    site text NOT NULL,
    state text NOT NULL CHECK (state IN ('compliant', 'not-compliant')),
    check_step text,
    message text,
    fingerprint text,
    since timestamptz NOT NULL,
    checked_at timestamptz NOT NULL,
    run_id text NOT NULL
  );
  `,
  `
  CREATE TABLE applied_state (
    machine text PRIMARY KEY,
    site text NOT NULL,
    profile text NOT NULL,
    plan_hash text,
    updated_at timestamptz NOT NULL,
    steps text NOT NULL
  );
  `,
  // A case keep opens for a PC not seen for days comes from no run.
  `
  ALTER TABLE cases ALTER COLUMN last_run DROP NOT NULL;
  `,
  // What removal needs of a PC's applied state, without the files' texts; empty in rows written before. claimed: what
  // steps installed in runs in which they failed.
  `
  ALTER TABLE applied_state ADD COLUMN removable text;
  ALTER TABLE applied_state ADD COLUMN claimed text;
  CREATE INDEX applied_plan_hashes ON applied_state(machine, plan_hash);
  `,
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

// Any fixed 64-bit key: every homeshift controller takes the same one, so migrations run once.
const MIGRATION_LOCK = 0x686f6d6573686966n;

/** Bring the database up to the newest schema: each version in its own transaction, under an advisory lock. */
export async function migratePostgres(client: pg.PoolClient, location: string): Promise<number> {
  for (;;) {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK.toString()]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
      const current = rows[0]?.v ?? 0;
      if (current > PG_SCHEMA_VERSION) {
        throw new JournalError(`${location}: journal schema version ${current} is newer than this homeshift supports (${PG_SCHEMA_VERSION}); upgrade homeshift to read it`);
      }
      if (current === PG_SCHEMA_VERSION) {
        await client.query('COMMIT');
        return current;
      }
      await client.query(PG_MIGRATIONS[current]);
      await client.query('INSERT INTO schema_migrations (version) VALUES ($1)', [current + 1]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }
}
