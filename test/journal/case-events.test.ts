import { createJournalWriter, routeBySite } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import type { MachineResult } from '../../src/model/result.js';
import { finished, makeResult } from './fixtures.js';
import { eachStore } from './stores.js';

const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const MIN = 60_000;

async function record(store: JournalStore, runId: string, results: MachineResult[]): Promise<void> {
  await store.startRun(
    { id: runId, mode: 'apply', startedAt: results[0].startedAt, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })),
  );
  const writer = createJournalWriter(store, { runId, route: routeBySite(() => 'Anna Berg <anna@example.com>') });
  for (const r of results) writer(finished(r));
  writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: results[0].finishedAt });
  await writer.close();
}

describe('case history', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => {
    store = (await open()).store;
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps opened, assigned, note and closed in order, across a reopening', async () => {
    await record(store, 'r1', [makeResult('BRU-D0001', 'failed', { at: iso(T0) })]);
    const assigned = await store.assignCase('BRU-D0001', 'it-ops@example.com', iso(T0 + MIN), 'anna@pc1');
    expect(assigned).toMatchObject({ machine: 'BRU-D0001', status: 'open', owner: 'it-ops@example.com' });
    expect(await store.noteCase('BRU-D0001', 'line one\nline "two"', iso(T0 + MIN), 'anna@pc1')).toBe(true);
    await record(store, 'r2', [makeResult('BRU-D0001', 'failed', { at: iso(T0 + 2 * MIN) })]);
    expect((await store.listCases())[0].owner).toBe('it-ops@example.com'); // a new attempt keeps the assignment
    await record(store, 'r3', [makeResult('BRU-D0001', 'ok', { at: iso(T0 + 3 * MIN) })]);
    await record(store, 'r4', [makeResult('BRU-D0001', 'unreachable', { at: iso(T0 + 4 * MIN) })]);
    expect(await store.caseEvents('BRU-D0001')).toEqual([
      { machine: 'BRU-D0001', at: iso(T0), kind: 'opened', owner: 'Anna Berg <anna@example.com>', text: null, runId: 'r1', who: null },
      { machine: 'BRU-D0001', at: iso(T0 + MIN), kind: 'assigned', owner: 'it-ops@example.com', text: null, runId: null, who: 'anna@pc1' },
      { machine: 'BRU-D0001', at: iso(T0 + MIN), kind: 'note', owner: null, text: 'line one\nline "two"', runId: null, who: 'anna@pc1' },
      { machine: 'BRU-D0001', at: iso(T0 + 3 * MIN), kind: 'closed', owner: null, text: null, runId: 'r3', who: null },
      { machine: 'BRU-D0001', at: iso(T0 + 4 * MIN), kind: 'opened', owner: 'Anna Berg <anna@example.com>', text: null, runId: 'r4', who: null },
    ]);
  });

  it('assigns only open cases and notes only machines that had one', async () => {
    await record(store, 'r1', [makeResult('BRU-D0001', 'failed', { at: iso(T0) }), makeResult('BRU-D0002', 'changed', { at: iso(T0) })]);
    await record(store, 'r2', [makeResult('BRU-D0001', 'ok', { at: iso(T0 + MIN) })]);
    expect(await store.assignCase('BRU-D0001', 'x@example.com', iso(T0 + 2 * MIN), 'me')).toBeNull();
    expect(await store.noteCase('BRU-D0001', 'closed, but worth a word', iso(T0 + 2 * MIN), 'me')).toBe(true);
    expect(await store.noteCase('BRU-D0002', 'never failed', iso(T0 + 2 * MIN), 'me')).toBe(false);
    expect(await store.caseEvents('BRU-D0002')).toEqual([]);
    expect((await store.caseEvents('BRU-D0001')).map((e) => e.kind)).toEqual(['opened', 'closed', 'note']);
    expect((await store.listCases())[0].owner).toBe('Anna Berg <anna@example.com>');
  });
}));
