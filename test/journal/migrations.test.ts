import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { JournalError, SCHEMA_VERSION, migrate, openSqliteStore } from '../../src/journal/index.js';
import { makeTempDir } from './fixtures.js';

describe('journal file and migrations', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  beforeEach(() => (tmp = makeTempDir()));
  afterEach(() => tmp.remove());

  it('creates folders and a file with every table, WAL and foreign keys on', async () => {
    const file = join(tmp.dir, 'repo/.homeshift/journal.db');
    const store = await openSqliteStore(file);
    await store.close();
    expect(existsSync(file)).toBe(true);
    const db = new Database(file);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    const tables = (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(['applied_state', 'case_events', 'cases', 'compliance', 'leases', 'machine_presence', 'machine_state', 'notify_deliveries', 'parks', 'run_machines', 'runs', 'step_results']);
    db.close();
  });

  it('upgrades an older file and keeps its data', async () => {
    const file = join(tmp.dir, 'old.db');
    const db = new Database(file);
    migrate(db, file, 1);
    db.prepare(`INSERT INTO runs (id, started_at, who, command_line, mode, plan_hash) VALUES ('r1', '2026-01-01T00:00:00Z', 'a@b', 'homeshift rollout', 'apply', 'h')`).run();
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
    const store = await openSqliteStore(file);
    expect((await store.getRun('r1'))?.commandLine).toBe('homeshift rollout');
    await store.close();
    const after = new Database(file);
    expect(after.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(after.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'cases_by_fingerprint'`).get()).toEqual({ n: 1 });
    after.close();
  });

  it('refuses a file from a newer homeshift with a clear message', async () => {
    const file = join(tmp.dir, 'new.db');
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    await expect(openSqliteStore(file)).rejects.toThrow(JournalError);
    await expect(openSqliteStore(file)).rejects.toThrow(`${file}: journal schema version 99 is newer than this homeshift supports (${SCHEMA_VERSION}); upgrade homeshift to read it`);
  });

  it('refuses a file that is not a database, and a missing one when asked not to create', async () => {
    const file = join(tmp.dir, 'junk.db');
    writeFileSync(file, 'this is not sqlite at all, just text that is long enough to look like a header...'.repeat(20));
    await expect(openSqliteStore(file)).rejects.toThrow(/junk\.db: not a usable homeshift journal/);
    await expect(openSqliteStore(join(tmp.dir, 'none/journal.db'), { create: false })).rejects.toThrow(/no journal at .*none\/journal\.db/);
    expect(existsSync(join(tmp.dir, 'none'))).toBe(false);
  });
});
