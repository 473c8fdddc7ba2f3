import pg from 'pg';
import { createJournalWriter, JournalError, openPostgresStore, PG_SCHEMA_VERSION, runsInProgress } from '../../src/journal/index.js';
import type { LeaseHolder, PostgresStore } from '../../src/journal/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { finished, makeResult } from './fixtures.js';

const suite = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) console.warn(POSTGRES_MISSING);

const RUN = '20261121-171502-a3f9';
const holder = (runId: string, pid = 4242): LeaseHolder => ({ runId, who: 'anna@ctl-1', pid });

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

suite('PostgreSQL journal', () => {
  let server: Postgres;
  let n = 0;
  const fresh = (): Promise<string> => server.createDatabase(`pg_${n++}`);
  beforeAll(async () => (server = await startPostgres()), 60_000);
  afterAll(async () => server?.stop());

  describe('migrations', () => {
    it('two controllers opening a new database together migrate it once', async () => {
      const url = await fresh();
      const stores = await Promise.all([openPostgresStore(url), openPostgresStore(url), openPostgresStore(url)]);
      await Promise.all(stores.map((s) => s.close()));
      const versions = await query(url, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(versions.map((v) => v.version)).toEqual(Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1));
      const tables = await query(url, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`);
      expect(tables.map((t) => t.tablename)).toEqual(['applied_state', 'case_events', 'cases', 'compliance', 'leases', 'machine_presence', 'machine_state', 'notify_deliveries', 'parks', 'run_machines', 'runs', 'schema_migrations', 'step_results']);
    });

    it('refuses a database written by a newer homeshift', async () => {
      const url = await fresh();
      await (await openPostgresStore(url)).close();
      await query(url, 'INSERT INTO schema_migrations (version) VALUES (99)');
      await expect(openPostgresStore(url)).rejects.toThrow(`journal schema version 99 is newer than this homeshift supports (${PG_SCHEMA_VERSION})`);
    });
  });

  describe('leases', () => {
    let url: string;
    let store: PostgresStore;
    beforeEach(async () => {
      url = await fresh();
      store = await openPostgresStore(url);
      for (const id of ['r1', 'r2']) {
        await store.startRun({ id, mode: 'apply', startedAt: '2026-11-21T17:15:02.000Z', commandLine: 'homeshift rollout', planHash: 'p', selector: null },
          ['A', 'B', 'C'].map((m) => ({ machine: m, site: 'bru', wave: 1, planHash: 'h' })));
      }
    });
    afterEach(async () => store.close());

    it('grants free machines, reports the others busy with their holder, and lets the same holder take them again', async () => {
      expect(await store.acquireLeases(holder('r1'), ['A', 'B'], 60_000)).toEqual({ granted: ['A', 'B'], busy: [] });
      const second = await store.acquireLeases(holder('r2'), ['B', 'C'], 60_000);
      expect(second.granted).toEqual(['C']);
      expect(second.busy).toEqual([expect.objectContaining({ machine: 'B', holder: holder('r1') })]);
      expect(Date.parse(second.busy[0].expiresAt)).toBeGreaterThan(Date.parse(second.busy[0].takenAt));
      expect((await store.acquireLeases(holder('r1'), ['A', 'B'], 60_000)).granted).toEqual(['A', 'B']);
      // same run and user, another process: not the same holder
      expect((await store.acquireLeases(holder('r1', 999), ['A'], 60_000)).busy.map((b) => b.machine)).toEqual(['A']);
      expect((await store.listLeases()).map((l) => [l.machine, l.holder.runId])).toEqual([['A', 'r1'], ['B', 'r1'], ['C', 'r2']]);
    });

    it('lets an expired lease be taken over; the old holder learns it on renewal', async () => {
      await store.acquireLeases(holder('r1'), ['A', 'B'], -1000); // expired at once by the server's clock
      expect(await store.listLeases()).toEqual([]);
      expect((await store.acquireLeases(holder('r2'), ['A'], 60_000)).granted).toEqual(['A']);
      expect(await store.renewLeases(holder('r1'), ['A', 'B'], 60_000)).toEqual(['A']);
      expect((await store.listLeases()).map((l) => [l.machine, l.holder.runId])).toEqual([['A', 'r2'], ['B', 'r1']]);
    });

    it('releases only its own leases, and recording a result releases the run\'s lease', async () => {
      await store.acquireLeases(holder('r1'), ['A', 'B'], 60_000);
      await store.releaseLeases(holder('r2'), ['A']);
      expect((await store.listLeases()).map((l) => l.machine)).toEqual(['A', 'B']);
      await store.releaseLeases(holder('r1'), ['A']);
      expect((await store.listLeases()).map((l) => l.machine)).toEqual(['B']);
      const writer = createJournalWriter(store, { runId: 'r1' });
      writer(finished(makeResult('B', 'changed', { site: 'bru' })));
      await writer.close();
      expect(await store.listLeases()).toEqual([]);
    });

    it('status tells a run whose controller holds leases from one whose leases expired', async () => {
      await store.acquireLeases(holder('r1'), ['A', 'B'], 60_000);
      await store.acquireLeases(holder('r2'), ['C'], -1000);
      const runs = await runsInProgress(store);
      expect(runs.map((r) => [r.id, r.state, r.liveLeases, r.done, r.total])).toEqual([['r2', 'stopped', 0, 0, 3], ['r1', 'running', 2, 0, 3]]);
      expect(runs.find((r) => r.id === 'r2')?.resume).toBe('homeshift rollout --resume');
    });

    it('gives each machine to exactly one of many controllers asking at once', async () => {
      const machines = Array.from({ length: 200 }, (_, i) => `M${String(i).padStart(3, '0')}`);
      const others = await Promise.all([1, 2, 3].map(() => openPostgresStore(url)));
      try {
        const grants = await Promise.all(others.map((s, i) => s.acquireLeases(holder('r1', 100 + i), i === 2 ? machines.slice(0, 50) : [...machines].reverse(), 60_000)));
        const all = grants.flatMap((g) => g.granted);
        expect(all.sort()).toEqual(machines);
        grants.forEach((g, i) => expect(g.granted.length + g.busy.length).toBe(i === 2 ? 50 : 200));
      } finally {
        await Promise.all(others.map((s) => s.close()));
      }
    });
  });

  describe('a journal that cannot be used', () => {
    it('says why in one line, naming the server but never the password', async () => {
      const closed = `postgres://homeshift:hunter2@127.0.0.1:${server.port + 1}/x`;
      const refused = await openPostgresStore(closed).then(() => new Error('opened'), (e: unknown) => e as Error);
      expect(refused).toBeInstanceOf(JournalError);
      expect(refused.message).toBe(`postgres://homeshift:***@127.0.0.1:${server.port + 1}/x: cannot reach the journal server at 127.0.0.1:${server.port + 1}: connection refused`);
      await expect(openPostgresStore(server.url('no_such_db'))).rejects.toThrow(`${server.url('no_such_db')}: database no_such_db does not exist on 127.0.0.1:${server.port}`);
    });

    it('asks for a password the way libpq users expect', async () => {
      const locked = await startPostgres({ password: 'hunter2' });
      const saved = process.env.PGPASSWORD;
      try {
        delete process.env.PGPASSWORD;
        await expect(openPostgresStore(locked.url())).rejects.toThrow(/asks user homeshift for a password: set PGPASSWORD, add the password to ~\/\.pgpass/);
        await expect(openPostgresStore(locked.url(), { password: 'wrong' })).rejects.toThrow('password authentication failed for user homeshift');
        process.env.PGPASSWORD = 'hunter2';
        const store = await openPostgresStore(locked.url());
        expect(store.location).toBe(locked.url());
        await store.close();
      } finally {
        if (saved === undefined) delete process.env.PGPASSWORD;
        else process.env.PGPASSWORD = saved;
        await locked.stop();
      }
    });
  });
});
