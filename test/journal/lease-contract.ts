/**
 * What every JournalStore promises about machine leases. A store's test file calls
 * describeLeaseContract('sqlite', open) with a function that opens a fresh, empty store.
 */
import type { JournalStore, LeaseHolder } from '../../src/journal/index.js';
import { makeResult } from './fixtures.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

export function describeLeaseContract(name: string, open: () => Promise<JournalStore>): void {
  describe(`machine leases (${name})`, () => {
    let store: JournalStore;
    beforeEach(async () => { store = await open(); });
    afterEach(async () => { await store.close(); });

    const alice: LeaseHolder = { runId: 'run-a', who: 'alice@ctl1', pid: 100 };
    const bob: LeaseHolder = { runId: 'run-b', who: 'bob@ctl2', pid: 200 };

    it('grants free machines and lists them with their holder and times', async () => {
      const grant = await store.acquireLeases(alice, ['BRU-1', 'BRU-2'], MINUTE);
      expect(grant).toEqual({ granted: ['BRU-1', 'BRU-2'], busy: [] });
      const leases = await store.listLeases();
      expect(leases.map((l) => [l.machine, l.holder])).toEqual([['BRU-1', alice], ['BRU-2', alice]]);
      for (const l of leases) {
        expect(Date.parse(l.expiresAt) - Date.parse(l.takenAt)).toBeGreaterThanOrEqual(MINUTE - 1000);
        expect(new Date(l.takenAt).toISOString()).toBe(l.takenAt);
      }
    });

    it('reports machines another live holder has as busy, with that holder, and grants the rest', async () => {
      await store.acquireLeases(alice, ['BRU-1'], MINUTE);
      const grant = await store.acquireLeases(bob, ['BRU-1', 'BRU-2'], MINUTE);
      expect(grant.granted).toEqual(['BRU-2']);
      expect(grant.busy).toEqual([expect.objectContaining({ machine: 'BRU-1', holder: alice })]);
    });

    it('holder equality takes run, who and pid: a second controller of the same run is another holder', async () => {
      await store.acquireLeases(alice, ['BRU-1'], MINUTE);
      const samePid = await store.acquireLeases({ ...alice }, ['BRU-1'], MINUTE);
      expect(samePid.granted).toEqual(['BRU-1']);
      for (const other of [{ ...alice, pid: 101 }, { ...alice, who: 'alice@ctl9' }, { ...alice, runId: 'run-z' }]) {
        const grant = await store.acquireLeases(other, ['BRU-1'], MINUTE);
        expect(grant).toEqual({ granted: [], busy: [expect.objectContaining({ machine: 'BRU-1', holder: alice })] });
      }
    });

    it('taking a lease again keeps when it was first taken and moves its expiry', async () => {
      await store.acquireLeases(alice, ['BRU-1'], 5_000);
      const [first] = await store.listLeases();
      await sleep(5);
      await store.acquireLeases(alice, ['BRU-1'], MINUTE);
      const [second] = await store.listLeases();
      expect(second.takenAt).toBe(first.takenAt);
      expect(Date.parse(second.expiresAt)).toBeGreaterThan(Date.parse(first.expiresAt));
    });

    it('an expired lease is not listed and may be taken over; its old holder learns it on renewal', async () => {
      await store.acquireLeases(alice, ['BRU-1', 'BRU-2'], 1);
      await sleep(30);
      expect(await store.listLeases()).toEqual([]);
      expect((await store.acquireLeases(bob, ['BRU-1'], MINUTE)).granted).toEqual(['BRU-1']);
      expect(await store.renewLeases(alice, ['BRU-1', 'BRU-2'], MINUTE)).toEqual(['BRU-1']);
      // BRU-2 had expired but nobody took it: the renewal keeps it for alice
      expect((await store.listLeases()).map((l) => [l.machine, l.holder.runId])).toEqual([['BRU-1', 'run-b'], ['BRU-2', 'run-a']]);
    });

    it('renewal extends only the holder\'s own leases', async () => {
      await store.acquireLeases(alice, ['BRU-1'], 5_000);
      await store.acquireLeases(bob, ['BRU-2'], 5_000);
      expect(await store.renewLeases(alice, ['BRU-1', 'BRU-2'], MINUTE)).toEqual(['BRU-2']);
      const byMachine = new Map((await store.listLeases()).map((l) => [l.machine, l]));
      expect(Date.parse(byMachine.get('BRU-1')!.expiresAt) - Date.now()).toBeGreaterThan(30_000);
      expect(Date.parse(byMachine.get('BRU-2')!.expiresAt) - Date.now()).toBeLessThanOrEqual(5_000);
    });

    it('release gives back the holder\'s own leases and leaves another holder\'s alone', async () => {
      await store.acquireLeases(alice, ['BRU-1'], MINUTE);
      await store.acquireLeases(bob, ['BRU-2'], MINUTE);
      await store.releaseLeases(alice, ['BRU-1', 'BRU-2']);
      await store.releaseLeases({ ...bob, pid: 999 }, ['BRU-2']);
      expect((await store.listLeases()).map((l) => l.machine)).toEqual(['BRU-2']);
      expect((await store.acquireLeases(bob, ['BRU-1'], MINUTE)).granted).toEqual(['BRU-1']);
    });

    it('recording a result releases the lease its run holds, never another run\'s', async () => {
      const planned = ['BRU-1', 'BRU-2'].map((machine) => ({ machine, site: 'bru', wave: 1, planHash: 'plan-a' }));
      await store.startRun({ id: 'run-a', mode: 'apply', startedAt: '2026-11-21T17:00:00.000Z', commandLine: 'homeshift rollout', planHash: 'p', selector: null }, planned);
      await store.acquireLeases(alice, ['BRU-1'], MINUTE);
      await store.acquireLeases(bob, ['BRU-2'], MINUTE);
      const context = { route: () => ({ owner: null, dueInMs: null }), escalateAfterAttempts: null };
      await store.recordResults('run-a', ['BRU-1', 'BRU-2'].map((m) => ({ result: makeResult(m, 'changed', { site: 'bru' }), wave: 1, fingerprint: null })), context);
      expect((await store.listLeases()).map((l) => [l.machine, l.holder.runId])).toEqual([['BRU-2', 'run-b']]);
    });

    it('names, in one call, the machines of a batch the run has already finished; pending and unknown ones are not', async () => {
      const planned = ['BRU-1', 'BRU-2', 'BRU-3'].map((machine) => ({ machine, site: 'bru', wave: 1, planHash: 'plan-a' }));
      const run = { mode: 'apply' as const, startedAt: '2026-11-21T17:00:00.000Z', commandLine: 'homeshift rollout', planHash: 'p', selector: null };
      await store.startRun({ id: 'run-a', ...run }, planned);
      await store.startRun({ id: 'run-b', ...run }, planned);
      const context = { route: () => ({ owner: null, dueInMs: null }), escalateAfterAttempts: null };
      await store.recordResults('run-a', [makeResult('BRU-1', 'changed', { site: 'bru' }), makeResult('BRU-3', 'failed', { site: 'bru' })].map((result) => ({ result, wave: 1, fingerprint: null })), context);
      await store.recordResults('run-b', [makeResult('BRU-2', 'ok', { site: 'bru' })].map((result) => ({ result, wave: 1, fingerprint: null })), context);
      expect(await store.finishedInRun('run-a', ['BRU-3', 'BRU-2', 'BRU-1', 'BRU-9'])).toEqual(['BRU-3', 'BRU-1']);
      expect(await store.finishedInRun('run-b', ['BRU-1', 'BRU-2'])).toEqual(['BRU-2']);
      expect(await store.finishedInRun('run-z', ['BRU-1'])).toEqual([]);
      expect(await store.finishedInRun('run-a', [])).toEqual([]);
    });
  });
}
