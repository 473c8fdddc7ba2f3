/**
 * homeshift journal copy in fresh processes: SQLite -> PostgreSQL -> SQLite loses nothing (every row compared),
 * a target that holds runs is refused without --merge (exit 1), --merge adds the missing runs and keeps the newer case.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPostgresStore, openSqliteStore } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import { POSTGRES_MISSING, postgresAvailable, startPostgres, type Postgres } from '../support/postgres.js';
import { makeResult } from '../journal/fixtures.js';
import { buildJournal, record } from '../journal/sample-journal.js';
import { runCli } from './run-cli.js';

const suite = postgresAvailable() ? describe : describe.skip;
if (!postgresAvailable()) console.warn(POSTGRES_MISSING);

/** Every row of a journal, through the store interface. */
async function dump(store: JournalStore) {
  const runs = (await store.listRuns()).reverse();
  const steps = [];
  for (const run of runs) steps.push(...(await store.listRunSteps(run.id)));
  return { runs, machines: await store.listRunMachines({}), steps, cases: await store.listCases(), states: await store.listMachineStates(), events: await store.caseEvents(), deliveries: await store.listDeliveries() };
}

async function dumpOf(open: () => Promise<JournalStore>) {
  const store = await open();
  try {
    return await dump(store);
  } finally {
    await store.close();
  }
}

suite('journal copy', () => {
  let dir: string;
  let server: Postgres;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-copy-'));
    server = await startPostgres();
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('SQLite -> PostgreSQL -> SQLite keeps every run, machine row, step, case, machine state, case event and notify delivery', async () => {
    const first = join(dir, 'first.db');
    const store = await openSqliteStore(first);
    await buildJournal(store);
    const [open] = await store.listCases({ status: 'open' });
    await store.noteCase(open.machine, 'PC steht im Lager, Kabel fehlt', '2026-11-25T09:00:00.000Z', 'uwe@ctl1');
    await store.assignCase(open.machine, 'it-ops@example-telco.de', '2026-11-25T09:05:00.000Z', 'uwe@ctl1');
    await store.escalateCase(open.machine, 'it-lead@example-telco.de', '2026-11-25T10:00:00.000Z', 'uwe@ctl1');
    await store.recordDeliveries([{ recipient: 'it-ops@example-telco.de', digest: 'owner', machine: open.machine, state: '["open"]', deliveredAt: '2026-11-25T10:01:00.000Z' }]);
    const original = await dump(store);
    expect(original.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['opened', 'note', 'assigned', 'escalated']));
    await store.close();
    const url = await server.createDatabase('copy_roundtrip');

    const up = await runCli(['journal', 'copy', '--from', first, '--to', url], { cwd: dir });
    expect(up.stderr).toBe('');
    expect(up.exitCode).toBe(0);
    expect(String(up.stdout).split('\n')[0]).toBe(
      `copied 6 run(s), ${original.machines.length} run machine(s), ${original.steps.length.toLocaleString('en-US')} step(s), ${original.cases.length} case(s), ${original.states.length} machine state(s), ${original.events.length} case event(s), 1 notify delivery`,
    );
    expect(await dumpOf(() => openPostgresStore(url))).toEqual(original);

    const back = await runCli(['journal', 'copy', '--from', url, '--to', 'back.db'], { cwd: dir });
    expect(back.exitCode).toBe(0);
    expect(await dumpOf(() => openSqliteStore(join(dir, 'back.db')))).toEqual(original);
  });

  it('refuses a target that holds runs unless --merge; merge adds what is missing and keeps the newer case', async () => {
    const url = await server.createDatabase('copy_merge');
    const shared = join(dir, 'shared.db');
    const store = await openSqliteStore(shared);
    await buildJournal(store);
    await store.close();
    expect((await runCli(['journal', 'copy', '--from', shared, '--to', url], { cwd: dir })).exitCode).toBe(0);

    // another controller's journal: the same history plus one later run that fixes BRU-D0024 and breaks BRU-D0003
    const other = await openSqliteStore(join(dir, 'other.db'));
    await buildJournal(other);
    await record(other, '20261125-080000-2222', 'apply', '2026-11-25T08:00:00.000Z', [
      makeResult('BRU-D0024', 'changed', { site: 'bru', at: '2026-11-25T08:00:00.000Z' }),
      makeResult('BRU-D0003', 'failed', { site: 'bru', at: '2026-11-25T08:00:01.000Z' }),
    ]);
    await other.close();

    const refused = await runCli(['journal', 'copy', '--from', 'other.db', '--to', url], { cwd: dir });
    expect(refused.exitCode).toBe(1);
    expect(String(refused.stderr).trim()).toBe(`homeshift: journal copy: ${url} already holds 6 run(s); add --merge to add the runs it lacks`);

    const merged = await runCli(['journal', 'copy', '--from', 'other.db', '--to', url, '--merge'], { cwd: dir });
    expect(merged.exitCode).toBe(0);
    expect(String(merged.stdout)).toMatch(/^copied 1 run\(s\) \(6 already there\), 2 run machine\(s\), 16 step\(s\)/);
    const target = await openPostgresStore(url);
    try {
      expect((await target.listRuns()).length).toBe(7);
      expect((await target.listCases({ machine: 'BRU-D0024' }))[0]).toMatchObject({ status: 'closed', closedByRun: '20261125-080000-2222' });
      expect((await target.listCases({ machine: 'BRU-D0003' }))[0]).toMatchObject({ status: 'open', lastRun: '20261125-080000-2222' });
      expect(await dump(target)).toEqual(await dumpOf(() => openSqliteStore(join(dir, 'other.db'))));
    } finally {
      await target.close();
    }
  });

  it('a target that cannot be reached is exit 2; a missing source is exit 2', async () => {
    const closed = `postgres://homeshift@127.0.0.1:${server.port + 1}/x`;
    const unreachable = await runCli(['journal', 'copy', '--from', join(dir, 'first.db'), '--to', closed], { cwd: dir });
    expect(unreachable.exitCode).toBe(2);
    expect(String(unreachable.stderr)).toContain('connection refused; nothing was touched');
    const missing = await runCli(['journal', 'copy', '--from', 'none.db', '--to', 'x.db'], { cwd: dir });
    expect(missing.exitCode).toBe(2);
    expect(String(missing.stderr).trim()).toBe(`homeshift: journal copy: no journal at ${join(dir, 'none.db')}; nothing to copy`);
  });
});
