/**
 * The journal's behaviour tests run against every store: a SQLite file, and a PostgreSQL database on a throw-away
 * server that each test file starts once (skipped, with one message, where PostgreSQL is not installed).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgresStore, openSqliteStore } from '../../src/journal/index.js';
import type { PostgresStore, SqliteStore } from '../../src/journal/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { pgTypes } from '../../src/journal/postgres-rows.js';
import { makeTempDir } from './fixtures.js';

export type StoreKind = 'sqlite' | 'postgres';

/** A fresh, empty journal and a way to look at its tables directly. */
export interface TestJournal {
  store: SqliteStore | PostgresStore;
  /** A read-only SQL query on the journal's own tables (plain SQL both databases understand; values as SQLite gives them). */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** The address another process opens the same journal with. */
  address: string;
}

export type OpenJournal = () => Promise<TestJournal>;

let skipNoted = false;

/** Runs `body` once per store kind, each in its own describe block named after the store. */
export function eachStore(body: (open: OpenJournal, kind: StoreKind) => void): void {
  describe('sqlite', () => {
    let tmp: ReturnType<typeof makeTempDir>;
    let n = 0;
    beforeAll(() => (tmp = makeTempDir()));
    afterAll(() => tmp.remove());
    body(async () => {
      const file = join(tmp.dir, `journal-${n++}.db`);
      const store = await openSqliteStore(file);
      const rows = async (sql: string) => {
        const db = new Database(file, { readonly: true });
        try {
          return db.prepare(sql).all() as Record<string, unknown>[];
        } finally {
          db.close();
        }
      };
      return { store, rows, address: file };
    }, 'sqlite');
  });

  const available = postgresAvailable();
  if (!available && !skipNoted) {
    skipNoted = true;
    console.warn(POSTGRES_MISSING);
  }
  (available ? describe : describe.skip)('postgres', () => {
    let server: Postgres;
    let n = 0;
    beforeAll(async () => (server = await startPostgres()), 60_000);
    afterAll(async () => server?.stop());
    body(async () => {
      const url = await server.createDatabase(`journal_${n++}`);
      const store = await openPostgresStore(url);
      const rows = async (sql: string) => {
        const client = new pg.Client({ connectionString: url, types: pgTypes });
        await client.connect();
        try {
          return (await client.query(sql)).rows as Record<string, unknown>[];
        } finally {
          await client.end();
        }
      };
      return { store, rows, address: url };
    }, 'postgres');
  });
}
