import {
  createJournalWriter, routeBySite, listErrors, machineLog, openCaseMachines, selectRerun, statusBySite,
} from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import type { MachineResult } from '../../src/model/result.js';
import { finished, machineId, makeResult } from './fixtures.js';
import { eachStore } from './stores.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');

async function record(store: JournalStore, runId: string, startedAt: string, results: MachineResult[]): Promise<void> {
  await store.startRun({ id: runId, mode: 'apply', startedAt, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })));
  const writer = createJournalWriter(store, { runId, route: routeBySite((site) => `supporter of ${site}`) });
  results.forEach((r) => writer(finished(r)));
  writer({ kind: 'run-finished', outcome: 'failed', counts: {} as never, at: startedAt });
  await writer.close();
}

describe('journal queries', () => eachStore((open) => {
  let store: JournalStore;
  const at = '2026-11-21T10:00:00.000Z';

  beforeAll(async () => {
    store = (await open()).store;
    const results: MachineResult[] = [];
    // 300 mailbox failures across two sites that differ only in ids and addresses
    for (let i = 0; i < 300; i++) {
      const site = i % 2 ? 'bru' : 'koe';
      const id = machineId(site.toUpperCase(), i);
      results.push(makeResult(id, 'failed', { site, at, message: `apply exited 3: mailbox not found for e${100000 + i}@${site}.example.com on ${id}` }));
    }
    for (let i = 300; i < 310; i++) {
      results.push(makeResult(machineId('BRU', i), 'unreachable', { site: 'bru', at, message: `connect ETIMEDOUT 10.1.${i % 250}.7:22 after ${i}ms` }));
    }
    for (let i = 310; i < 330; i++) results.push(makeResult(machineId('BRU', i), 'changed', { site: 'bru', at, planHash: i < 315 ? 'old' : 'plan-a' }));
    await record(store, 'r1', at, results);
  });
  afterAll(async () => {
    await store.close();
  });

  it('groups open cases by fingerprint with counts, sample machines and sites', async () => {
    const list = await listErrors(store, { group: true, now: NOW });
    if (!list.grouped) throw new Error('expected groups');
    expect(list.groups.map((g) => [g.count, g.errorClass, g.cause])).toEqual([
      [300, 'step-failed', 'apply exited <n>: mailbox not found for <mailbox> on <machine>'],
      [10, 'unreachable', 'connect ETIMEDOUT <ip>:<port> after <duration>'],
    ]);
    expect(list.groups[0].machines).toEqual(['BRU-D0001', 'BRU-D0003', 'BRU-D0005', 'BRU-D0007', 'BRU-D0009']);
    expect(list.groups[0].sites).toEqual(['bru', 'koe']);
    expect(list.groups[0].owners).toEqual(['supporter of bru', 'supporter of koe']);
    expect(list.groups[1].fingerprint).toMatch(/^unreachable:[0-9a-f]{8}$/); // a connection failure names no step
  });

  it('lists open cases one row each, filtered by class, site and run', async () => {
    const all = await listErrors(store, { now: NOW });
    expect(all.grouped === false && all.cases.length).toBe(310);
    const unreachable = await listErrors(store, { class: 'unreachable', site: 'bru', run: 'r1', now: NOW });
    if (unreachable.grouped) throw new Error('expected cases');
    expect(unreachable.cases).toHaveLength(10);
    expect(unreachable.cases[0]).toMatchObject({ machine: 'BRU-D0300', site: 'bru', attempts: 1, owner: 'supporter of bru', age: '1d 2h' });
    expect((await listErrors(store, { run: 'other', now: NOW })).grouped === false).toBe(true);
  });

  it('selects machines to re-run by class, cause (fingerprint, prefix or hash) and site', async () => {
    const list = await listErrors(store, { group: true, now: NOW });
    if (!list.grouped) throw new Error('expected groups');
    const mailbox = list.groups[0].fingerprint;
    expect(await selectRerun(store, { cause: mailbox })).toHaveLength(300);
    expect(await selectRerun(store, { cause: mailbox.split(':').at(-1) })).toHaveLength(300);
    expect(await selectRerun(store, { cause: 'unreachable:' })).toHaveLength(10);
    expect(await selectRerun(store, { class: 'step-failed', site: 'koe' })).toHaveLength(150);
    await expect(selectRerun(store, { cause: 'deadbeef' })).rejects.toThrow(/--cause deadbeef: no open case has this cause; did you mean /);
    const some = await selectRerun(store, { class: 'unreachable' });
    expect(some).toEqual([...some].sort());
    expect((await openCaseMachines(store)).size).toBe(310);
  });

  it('reports status per site: done, open, never tried, stale', async () => {
    const planHashes = new Map<string, string>();
    for (let i = 310; i < 330; i++) planHashes.set(machineId('BRU', i), 'plan-a');
    const machines = [...planHashes.keys()].map((id) => ({ id, site: 'bru' }));
    machines.push({ id: 'BRU-D0999', site: 'bru' }, { id: 'KOE-D0000', site: 'koe' }, { id: 'HAM-D0001', site: 'ham' });
    const status = await statusBySite(store, { now: NOW, planHashes, machines });
    const bySite = Object.fromEntries(status.sites.map((s) => [s.site, { ...s, cases: s.cases.length }]));
    expect(bySite.bru).toMatchObject({ done: 15, stale: 5, neverTried: 1, open: 160, cases: 160 });
    expect(bySite.ham).toMatchObject({ machines: 1, neverTried: 1 });
    expect(bySite.koe).toMatchObject({ open: 150 });
    expect(status.totals).toMatchObject({ done: 15, stale: 5, neverTried: 2, open: 310 });
    const one = await statusBySite(store, { now: NOW, site: 'koe' });
    expect(one.sites.map((s) => s.site)).toEqual(['koe']);
  });

  it('gives a machine its full transcript, every attempt and step in order', async () => {
    const id = 'BRU-D0001';
    await record(store, 'r2', '2026-11-21T11:00:00.000Z', [makeResult(id, 'changed', { site: 'bru', at: '2026-11-21T11:00:00.000Z' })]);
    const log = await machineLog(store, id);
    expect(log.attempts.map((a) => [a.runId, a.status, a.steps.length])).toEqual([['r1', 'failed', 8], ['r2', 'changed', 8]]);
    expect(log.attempts[0].steps.map((s) => s.step)[5]).toBe('mailbox');
    expect(log.case).toMatchObject({ status: 'closed', closedByRun: 'r2' });
    expect((await machineLog(store, 'NOPE-1')).attempts).toEqual([]);
  });
}));
