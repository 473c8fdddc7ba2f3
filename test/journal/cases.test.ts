import { createJournalWriter, routeBySite, listErrors, statusBySite, viewCase } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import type { MachineResult, RunMode } from '../../src/model/result.js';
import { finished, makeResult } from './fixtures.js';
import { eachStore } from './stores.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const T0 = Date.parse('2026-11-20T08:00:00.000Z');

/** One run with the given results, recorded through the writer. */
async function record(store: JournalStore, runId: string, mode: RunMode, results: MachineResult[], attempts: number | null = 3): Promise<void> {
  await store.startRun(
    { id: runId, mode, startedAt: results[0].startedAt, commandLine: `homeshift rollout${mode === 'check' ? ' --check' : ''}`, planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })),
  );
  const owners: Record<string, string> = { bru: 'Anna Berg <anna.berg@example.com>' };
  const writer = createJournalWriter(store, { runId, route: routeBySite((site) => owners[site] ?? null), escalateAfterAttempts: attempts });
  for (const r of results) writer(finished(r));
  writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: results[0].finishedAt });
  await writer.close();
}

describe('cases', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => {
    store = (await open()).store;
  });
  afterEach(async () => {
    await store.close();
  });

  it('opens a case on failure, adds attempts keeping first_failed, closes it on success', async () => {
    await record(store, 'r1', 'apply', [makeResult('BRU-D0001', 'failed', { at: iso(T0) }), makeResult('BRU-D0002', 'changed', { at: iso(T0) })]);
    let [c] = await store.listCases();
    expect(c).toMatchObject({ machine: 'BRU-D0001', site: 'bru', status: 'open', errorClass: 'step-failed', attempts: 1, firstFailed: iso(T0), owner: 'Anna Berg <anna.berg@example.com>', escalatedAt: null });
    expect(await store.listCases({ machine: 'BRU-D0002' })).toEqual([]);

    await record(store, 'r2', 'apply', [makeResult('BRU-D0001', 'unreachable', { at: iso(T0 + 3_600_000) })]);
    [c] = await store.listCases();
    expect(c).toMatchObject({ status: 'open', errorClass: 'unreachable', attempts: 2, firstFailed: iso(T0), lastAttempt: iso(T0 + 3_600_000), lastRun: 'r2' });

    await record(store, 'r3', 'apply', [makeResult('BRU-D0001', 'ok', { at: iso(T0 + 7_200_000) })]);
    [c] = await store.listCases();
    expect(c).toMatchObject({ status: 'closed', closedAt: iso(T0 + 7_200_000), closedByRun: 'r3', attempts: 2 });
    expect((await store.listMachineStates()).map((s) => [s.machine, s.lastSuccessRun])).toEqual([['BRU-D0001', 'r3'], ['BRU-D0002', 'r1']]);

    await record(store, 'r4', 'apply', [makeResult('BRU-D0001', 'failed', { at: iso(T0 + DAY) })]);
    [c] = await store.listCases();
    expect(c).toMatchObject({ status: 'open', attempts: 1, firstFailed: iso(T0 + DAY), closedAt: null, closedByRun: null });
  });

  it('stores escalation when an attempt reaches the limit', async () => {
    for (let i = 1; i <= 3; i++) await record(store, `r${i}`, 'apply', [makeResult('BRU-D0001', 'failed', { at: iso(T0 + i * 60_000) })]);
    const [c] = await store.listCases();
    expect(c.attempts).toBe(3);
    expect(c.escalatedAt).toBe(iso(T0 + 3 * 60_000));
  });

  it('escalates by age at read time from `now`', async () => {
    await record(store, 'r1', 'apply', [makeResult('BRU-D0001', 'failed', { at: iso(T0) })], null);
    const [c] = await store.listCases();
    const policy = { after: '36h', afterAttempts: null };
    expect(viewCase(c, new Date(T0 + 35 * 3_600_000), policy)).toMatchObject({ escalated: false, escalatedAt: null, age: '1d 11h' });
    expect(viewCase(c, new Date(T0 + 2 * DAY), policy)).toMatchObject({ escalated: true, escalatedAt: iso(T0 + 36 * 3_600_000), age: '2d' });
    const status = await statusBySite(store, { now: new Date(T0 + 2 * DAY), escalation: policy });
    expect(status.totals).toMatchObject({ open: 1, escalated: 1 });
    const errors = await listErrors(store, { now: new Date(T0 + DAY), escalation: policy });
    expect(errors.grouped === false && errors.cases[0].escalated).toBe(false);
  });

  it('check-mode runs never open or close cases nor count as success', async () => {
    await record(store, 'r1', 'apply', [makeResult('BRU-D0001', 'failed', { at: iso(T0) })]);
    await record(store, 'c1', 'check', [
      makeResult('BRU-D0001', 'would-change', { at: iso(T0 + 60_000) }),
      makeResult('BRU-D0002', 'failed', { at: iso(T0 + 60_000) }),
      makeResult('BRU-D0003', 'ok', { at: iso(T0 + 60_000) }),
    ]);
    const cases = await store.listCases();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ machine: 'BRU-D0001', status: 'open', attempts: 1, lastRun: 'r1' });
    expect(await store.listMachineStates()).toEqual([]);
    expect((await store.listRunMachines({ runId: 'c1' })).map((r) => r.status)).toEqual(['would-change', 'failed', 'ok']);
    expect(await store.findResumableRun()).toBeNull();
  });
}));
