/** The run's side of leases on a real SQLite journal: renewal, loss, a finished machine of the same run, a dead holder. */
import { execa } from 'execa';
import { join } from 'node:path';
import { openSqliteStore, type LeaseHolder, type SqliteStore } from '../../src/journal/index.js';
import { createLeaseKeeper } from '../../src/run/lease-keeper.js';
import { makeResult, makeTempDir } from '../journal/fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const me: LeaseHolder = { runId: 'run-a', who: 'alice@ctl1', pid: process.pid };
const planned = (machines: string[]) => machines.map((machine) => ({ machine, site: 'bru', wave: 1, planHash: 'plan-a' }));

describe('lease keeper', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  let store: SqliteStore;
  let n = 0;
  beforeEach(async () => {
    tmp = makeTempDir();
    store = await openSqliteStore(join(tmp.dir, `journal-${++n}.db`));
    await store.startRun({ id: 'run-a', mode: 'apply', startedAt: '2026-11-21T17:00:00.000Z', commandLine: 'homeshift rollout', planHash: 'p', selector: null }, planned(['BRU-1', 'BRU-2', 'BRU-3']));
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('batches the takes of one moment into one transaction and renews every machine in flight', async () => {
    const keeper = createLeaseKeeper(store, me, { ttlMs: 1000, renewEveryMs: 50 });
    const before = store.writeTransactions;
    const takes = await Promise.all(['BRU-1', 'BRU-2', 'BRU-3'].map((m) => keeper.take(m)));
    expect(takes).toEqual([{ granted: true }, { granted: true }, { granted: true }]);
    expect(store.writeTransactions - before).toBe(1);
    await sleep(2000); // twice the lease timeout: only renewal keeps them
    expect((await store.listLeases()).map((l) => l.machine)).toEqual(['BRU-1', 'BRU-2', 'BRU-3']);
    expect(await keeper.finish('BRU-1')).toBe(true);
    await keeper.close();
    expect(await store.listLeases()).toEqual([]);
  });

  it('a lease taken over while its machine runs aborts that machine and is not reported as held at the end', async () => {
    const keeper = createLeaseKeeper(store, me, { ttlMs: 60_000, renewEveryMs: 30 });
    await keeper.take('BRU-1');
    await keeper.take('BRU-2');
    const lost = keeper.lost('BRU-1');
    // what an expired lease looks like once another controller took it over
    await store.releaseLeases(me, ['BRU-1']);
    await store.acquireLeases({ runId: 'run-b', who: 'bob@ctl2', pid: 2 }, ['BRU-1'], 60_000);
    for (let i = 0; i < 100 && !lost.aborted; i++) await sleep(10);
    expect(lost.aborted).toBe(true);
    expect(keeper.lost('BRU-2').aborted).toBe(false);
    expect(await keeper.finish('BRU-1')).toBe(false);
    expect(await keeper.finish('BRU-2')).toBe(true);
    await keeper.close();
    expect((await store.listLeases()).map((l) => [l.machine, l.holder.runId])).toEqual([['BRU-1', 'run-b']]);
  });

  it('a machine another controller of the same run finished is not taken again', async () => {
    const other = { ...me, pid: me.pid + 100000 };
    await store.acquireLeases(other, ['BRU-1'], 60_000);
    await store.recordResults('run-a', [{ result: makeResult('BRU-1', 'changed', { site: 'bru' }), wave: 1, fingerprint: null }], { route: () => ({ owner: null, dueInMs: null }), escalateAfterAttempts: null });
    const keeper = createLeaseKeeper(store, me, { ttlMs: 60_000 });
    expect(await keeper.take('BRU-1')).toEqual({ granted: false, holder: null });
    expect(await keeper.take('BRU-2')).toEqual({ granted: true });
    await keeper.close();
    expect(await store.listLeases()).toEqual([]);
  });

  it('takes over at once the leases of a controller that died on this control machine, never those of a live one', async () => {
    const gone = await execa(process.execPath, ['-e', 'console.log(process.pid)']);
    const deadPid = Number(gone.stdout);
    await store.acquireLeases({ runId: 'run-x', who: me.who, pid: deadPid }, ['BRU-1'], 60_000);
    await store.acquireLeases({ runId: 'run-y', who: me.who, pid: process.ppid }, ['BRU-2'], 60_000); // alive
    await store.acquireLeases({ runId: 'run-z', who: 'bob@elsewhere', pid: deadPid }, ['BRU-3'], 60_000); // another host: wait for expiry
    const keeper = createLeaseKeeper(store, me, { ttlMs: 60_000 });
    const takes = await Promise.all(['BRU-1', 'BRU-2', 'BRU-3'].map((m) => keeper.take(m)));
    expect(takes).toEqual([
      { granted: true },
      { granted: false, holder: { runId: 'run-y', who: me.who, pid: process.ppid } },
      { granted: false, holder: { runId: 'run-z', who: 'bob@elsewhere', pid: deadPid } },
    ]);
    await keeper.close();
  });
});
