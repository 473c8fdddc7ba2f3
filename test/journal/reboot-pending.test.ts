import { createJournalWriter, routeBySite, statusBySite } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import type { MachineResult, RunMode } from '../../src/model/result.js';
import { finished, makeResult } from './fixtures.js';
import { eachStore } from './stores.js';

const iso = (ms: number): string => new Date(ms).toISOString();
const T0 = Date.parse('2026-11-20T08:00:00.000Z');

async function record(store: JournalStore, runId: string, mode: RunMode, results: MachineResult[]): Promise<void> {
  await store.startRun(
    { id: runId, mode, startedAt: results[0].startedAt, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })),
  );
  const writer = createJournalWriter(store, { runId, route: routeBySite(() => null), escalateAfterAttempts: null });
  for (const r of results) writer(finished(r));
  writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: results[0].finishedAt });
  await writer.close();
}

/** A changed machine whose third step installed something that needs a restart. */
function rebooting(machine: string, at: number): MachineResult {
  const result = makeResult(machine, 'changed', { at: iso(at) });
  result.steps[2] = { ...result.steps[2], status: 'changed', rebootRequired: true };
  return { ...result, rebootRequired: true };
}

describe('reboot pending', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => { store = (await open()).store; });
  afterEach(async () => { await store.close(); });

  it('keeps the flag on the step and the machine, and lists the PCs whose newest reached result asked for a restart', async () => {
    await record(store, 'r1', 'apply', [rebooting('BRU-D0001', T0), rebooting('KOE-D0001', T0), makeResult('BRU-D0002', 'changed', { at: iso(T0) })]);
    const [row] = await store.listRunMachines({ runId: 'r1', machine: 'BRU-D0001' });
    expect(row.rebootRequired).toBe(true);
    expect((await store.listRunMachines({ runId: 'r1', machine: 'BRU-D0002' }))[0].rebootRequired).toBeUndefined();
    const steps = await store.listRunSteps('r1');
    expect(steps.filter((s) => s.rebootRequired).map((s) => [s.machine, s.seq])).toEqual([['BRU-D0001', 2], ['KOE-D0001', 2]]);
    expect((await store.rebootPending()).map((r) => [r.site, r.machine, r.runId])).toEqual([['bru', 'BRU-D0001', 'r1'], ['koe', 'KOE-D0001', 'r1']]);

    // a check run and an unreachable PC learn nothing; a later run that reaches the PC replaces the result
    await record(store, 'c1', 'check', [makeResult('BRU-D0001', 'ok', { at: iso(T0 + 1000) })]);
    await record(store, 'r2', 'apply', [makeResult('BRU-D0001', 'unreachable', { at: iso(T0 + 2000) }), makeResult('KOE-D0001', 'ok', { at: iso(T0 + 2000) })]);
    expect((await store.rebootPending()).map((r) => r.machine)).toEqual(['BRU-D0001']);

    const status = await statusBySite(store, { now: new Date(T0 + 3000) });
    expect(status.rebootPending).toBe(1);
    expect(Object.fromEntries(status.sites.map((s) => [s.site, s.rebootPending]))).toEqual({ bru: ['BRU-D0001'], koe: [] });
  });
}));
