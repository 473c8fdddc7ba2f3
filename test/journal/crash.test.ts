import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { execa } from 'execa';
import { createJournalWriter, openSqliteStore } from '../../src/journal/index.js';
import pg from 'pg';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { compileJournal } from './compile.js';
import { finished, makeResult, makeTempDir } from './fixtures.js';

const RUN = '20261121-171502-c0de';

/** A child that records results in a loop: machine i fails when i % 7 == 0, eight steps each. */
const CHILD = (journal: string, file: string, batchSize: number, crashAfter: number | null): string => `
import { openPostgresStore, openSqliteStore, createJournalWriter } from ${JSON.stringify(journal)};
const where = ${JSON.stringify(file)};
const store = where.startsWith('postgres://') ? await openPostgresStore(where) : await openSqliteStore(where);
const id = (i) => 'BRU-D' + String(i).padStart(5, '0');
const planned = Array.from({ length: 1000 }, (_, i) => ({ machine: id(i), site: 'bru', wave: 0, planHash: 'h' }));
await store.startRun({ id: '${RUN}', mode: 'apply', startedAt: new Date().toISOString(), commandLine: 'homeshift rollout', planHash: 'p', selector: null }, planned);
const writer = createJournalWriter(store, { runId: '${RUN}', batchSize: ${batchSize}, flushMs: 3600000 });
const steps = (failed) => Array.from({ length: 8 }, (_, s) => ({ step: 'step-' + s, status: failed && s === 7 ? 'failed' : 'changed',
  errorClass: failed && s === 7 ? 'step-failed' : null, exitCode: failed && s === 7 ? 2 : 0, durationMs: 5, stdoutTail: 'out '.repeat(50), stderrTail: '', message: null }));
let i = 0;
const crashAfter = ${crashAfter};
function tick() {
  for (let k = 0; k < 25; k++, i++) {
    const failed = i % 7 === 0;
    const at = new Date().toISOString();
    writer({ kind: 'machine-finished', wave: 0, at, result: { machine: id(i), site: 'bru', status: failed ? 'failed' : 'changed',
      errorClass: failed ? 'step-failed' : null, message: failed ? 'apply exited 2: no such mailbox' : null, fingerprint: null, attempts: 1,
      startedAt: at, finishedAt: at, durationMs: 40, planHash: 'h', steps: steps(failed) } });
  }
  if (crashAfter !== null && i >= crashAfter) writer.flush().then(() => process.kill(process.pid, 'SIGKILL'));
  else setImmediate(tick);
}
console.log('writing');
tick();
`;

describe('journal after a crash', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let journal: string;
  beforeAll(() => {
    tmp = makeTempDir();
    journal = compileJournal(join(tmp.dir, 'build'));
  });
  afterAll(() => tmp.remove());

  it('survives kill -9 mid-run: integrity ok and no partial batch visible', async () => {
    const file = join(tmp.dir, 'kill/journal.db');
    mkdirSync(join(tmp.dir, 'kill'));
    const script = join(tmp.dir, 'kill-child.mjs');
    writeFileSync(script, CHILD(journal, file, 50, null));
    const child = execa('node', [script], { reject: false });
    try {
      const deadline = Date.now() + 20_000;
      let seen = 0;
      while (seen < 600 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        try {
          const db = new Database(file, { readonly: true, fileMustExist: true });
          seen = (db.prepare(`SELECT count(*) AS n FROM run_machines WHERE status != 'pending'`).get() as { n: number }).n;
          db.close();
        } catch {
          seen = 0; // not created yet
        }
      }
      expect(seen).toBeGreaterThanOrEqual(600);
    } finally {
      child.kill('SIGKILL');
    }
    const { signal } = await child;
    expect(signal).toBe('SIGKILL');

    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const done = (db.prepare(`SELECT count(*) AS n FROM run_machines WHERE status != 'pending'`).get() as { n: number }).n;
    const steps = (db.prepare('SELECT count(*) AS n FROM step_results').get() as { n: number }).n;
    const failed = (db.prepare(`SELECT count(*) AS n FROM run_machines WHERE status = 'failed'`).get() as { n: number }).n;
    const cases = (db.prepare(`SELECT count(*) AS n FROM cases WHERE status = 'open'`).get() as { n: number }).n;
    db.close();
    expect(done % 50).toBe(0);
    expect(steps).toBe(done * 8);
    expect(failed).toBe(Math.ceil(done / 7));
    expect(cases).toBe(failed);
  });

  it('resumes a crashed run from a new process: finished machines are kept, the rest are pending', async () => {
    const file = join(tmp.dir, 'resume/journal.db');
    const script = join(tmp.dir, 'resume-child.mjs');
    writeFileSync(script, CHILD(journal, file, 100, 300));
    const crashed = await execa('node', [script], { reject: false });
    expect(crashed.signal).toBe('SIGKILL');

    const probe = `
      import { openSqliteStore, findResumableRun, pendingMachines } from ${JSON.stringify(journal)};
      const store = await openSqliteStore(${JSON.stringify(file)}, { create: false });
      const run = await findResumableRun(store);
      const pending = await pendingMachines(store, run.id);
      console.log(JSON.stringify({ id: run.id, finishedAt: run.finishedAt, pending: pending.length, first: pending[0] }));
      await store.close();`;
    const { stdout } = await execa('node', ['--input-type=module', '-e', probe], { cwd: tmp.dir });
    expect(JSON.parse(stdout)).toEqual({ id: RUN, finishedAt: null, pending: 700, first: 'BRU-D00300' });

    const store = await openSqliteStore(file, { create: false });
    const pending = await store.pendingMachines(RUN);
    await store.startRun({ id: RUN, mode: 'apply', startedAt: '2026-11-21T18:00:00.000Z', commandLine: 'homeshift rollout --resume', planHash: 'p', selector: null }, pending);
    const writer = createJournalWriter(store, { runId: RUN });
    for (const m of pending) writer(finished(makeResult(m.machine, 'changed', { site: 'bru' })));
    writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: '2026-11-21T18:05:00.000Z' });
    await writer.close();
    expect(await store.findResumableRun()).toBeNull();
    expect((await store.getRun(RUN))?.counts).toEqual({ changed: 1000 - Math.ceil(300 / 7), failed: Math.ceil(300 / 7) });
    expect((await store.getRun(RUN))?.commandLine).toBe('homeshift rollout');
    await store.close();
  });
});

(postgresAvailable() ? describe : describe.skip)('PostgreSQL journal after a crash', () => {
  if (!postgresAvailable()) console.warn(POSTGRES_MISSING);
  let tmp: ReturnType<typeof makeTempDir>;
  let journal: string;
  let server: Postgres;
  beforeAll(async () => {
    tmp = makeTempDir();
    journal = compileJournal(join(tmp.dir, 'build'));
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    tmp.remove();
  });

  it('survives kill -9 of a writer mid-run: no partial batch is visible', async () => {
    const url = await server.createDatabase('crash');
    const script = join(tmp.dir, 'pg-kill-child.mjs');
    writeFileSync(script, CHILD(journal, url, 50, null));
    const count = async (client: pg.Client, sql: string): Promise<number> => Number((await client.query(sql)).rows[0].n);
    const child = execa('node', [script], { reject: false });
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const deadline = Date.now() + 20_000;
      let seen = 0;
      while (seen < 600 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20));
        seen = await count(client, `SELECT count(*) AS n FROM pg_tables WHERE tablename = 'run_machines'`) === 1
          ? await count(client, `SELECT count(*) AS n FROM run_machines WHERE status != 'pending'`) : 0;
      }
      expect(seen).toBeGreaterThanOrEqual(600);
    } finally {
      child.kill('SIGKILL');
    }
    expect((await child).signal).toBe('SIGKILL');
    try {
      const done = await count(client, `SELECT count(*) AS n FROM run_machines WHERE status != 'pending'`);
      expect(done % 50).toBe(0);
      expect(await count(client, 'SELECT count(*) AS n FROM step_results')).toBe(done * 8);
      const failed = await count(client, `SELECT count(*) AS n FROM run_machines WHERE status = 'failed'`);
      expect(failed).toBe(Math.ceil(done / 7));
      expect(await count(client, `SELECT count(*) AS n FROM cases WHERE status = 'open'`)).toBe(failed);
    } finally {
      await client.end();
    }
  });
});
