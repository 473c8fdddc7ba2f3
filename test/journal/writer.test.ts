import { createJournalWriter } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import { finished, machineId, makeResult } from './fixtures.js';
import { eachStore, type TestJournal } from './stores.js';

const RUN = '20261121-171502-a3f9';

async function startRun(store: JournalStore, machines: string[], mode: 'apply' | 'check' = 'apply', id = RUN): Promise<void> {
  await store.startRun(
    { id, mode, startedAt: '2026-11-21T17:15:02.000Z', commandLine: 'homeshift rollout --limit site=bru', planHash: 'p', selector: 'site=bru' },
    machines.map((m) => ({ machine: m, site: 'bru', wave: 0, planHash: 'plan-a' })),
  );
}

describe('journal writer', () => eachStore((open) => {
  let journal: TestJournal;
  let store: TestJournal['store'];
  beforeEach(async () => {
    journal = await open();
    store = journal.store;
  });
  afterEach(async () => {
    await store.close();
  });

  it('commits one transaction per batch, never one per result', async () => {
    const machines = Array.from({ length: 250 }, (_, i) => machineId('BRU', i));
    await startRun(store, machines);
    const calls: number[] = [];
    const counting: JournalStore = Object.create(store, {
      recordResults: { value: (runId: string, batch: Parameters<JournalStore['recordResults']>[1], ctx: Parameters<JournalStore['recordResults']>[2]) => {
        calls.push(batch.length);
        return store.recordResults(runId, batch, ctx);
      } },
      finishRun: { value: store.finishRun.bind(store) },
    });
    const before = store.writeTransactions;
    const writer = createJournalWriter(counting, { runId: RUN, batchSize: 100, flushMs: 60_000 });
    for (const m of machines) writer(finished(makeResult(m, 'changed')));
    writer({ kind: 'run-finished', outcome: 'ok', counts: { ok: 0, changed: 250, 'would-change': 0, failed: 0, unreachable: 0, interrupted: 0, busy: 0 }, at: '2026-11-21T17:20:00.000Z' });
    await writer.close();
    expect(calls).toEqual([100, 100, 50]);
    expect(store.writeTransactions - before).toBe(4); // three batches and the run's finish
    const run = await store.getRun(RUN);
    expect(run).toMatchObject({ outcome: 'ok', finishedAt: '2026-11-21T17:20:00.000Z', total: 250, counts: { changed: 250 } });
    expect(await journal.rows('SELECT count(*) AS n FROM step_results')).toEqual([{ n: 2000 }]);
  });

  it('records neither busy machines nor ones whose lease was lost, and leaves the run resumable for them', async () => {
    await startRun(store, ['BRU-D0001', 'BRU-D0002', 'BRU-D0003']);
    const writer = createJournalWriter(store, { runId: RUN });
    writer(finished(makeResult('BRU-D0001', 'changed')));
    writer(finished({ ...makeResult('BRU-D0002', 'busy'), steps: [], message: 'held by run R2 by bob@ctl2 pid 7' }));
    writer({ ...finished(makeResult('BRU-D0003', 'interrupted')), leaseLost: true } as never);
    writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: '2026-11-21T17:20:00.000Z' });
    await writer.close();
    expect((await store.pendingMachines(RUN)).map((m) => m.machine)).toEqual(['BRU-D0002', 'BRU-D0003']);
    expect(await store.getRun(RUN)).toMatchObject({ outcome: 'ok', finishedAt: null, counts: { changed: 1, pending: 2 } });
    expect((await store.findResumableRun())?.id).toBe(RUN);
  });

  it('flushes a partial batch after flushMs without waiting for the run to end', async () => {
    await startRun(store, ['BRU-D0001', 'BRU-D0002']);
    const writer = createJournalWriter(store, { runId: RUN, flushMs: 300 });
    writer(finished(makeResult('BRU-D0001', 'ok')));
    expect(await store.pendingMachines(RUN)).toHaveLength(2);
    // the timer fires on its own; wait for its transaction (a busy server may take a while) without calling flush
    let pending = await store.pendingMachines(RUN);
    for (const deadline = Date.now() + 10_000; pending.length > 1 && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 20));
      pending = await store.pendingMachines(RUN);
    }
    expect(pending.map((m) => m.machine)).toEqual(['BRU-D0002']);
    await writer.close();
  });

  it('redacts every message and tail and fingerprints the redacted message', async () => {
    await startRun(store, ['BRU-D0001']);
    const redact = (t: string): string => t.replace(/hunter2/g, '[secret]');
    const writer = createJournalWriter(store, { runId: RUN, redact });
    const result = makeResult('BRU-D0001', 'failed', { message: 'apply exited 3: psk hunter2 rejected by 10.0.0.1' });
    writer(finished(result));
    await writer.close();
    const [row] = await store.listRunMachines({ runId: RUN });
    expect(row.message).toBe('apply exited 3: psk [secret] rejected by 10.0.0.1');
    expect(row.fingerprint).toMatch(/^step-failed:mailbox:[0-9a-f]{8}$/);
    const steps = await store.listStepResults(RUN, 'BRU-D0001');
    expect(steps).toHaveLength(8);
    expect(steps[5].stderrTail).toBe('mailbox not found for anna@example.com\nsecret=[secret]');
    const dump = JSON.stringify(await journal.rows('SELECT * FROM step_results')) + JSON.stringify(await journal.rows('SELECT * FROM cases'));
    expect(dump).not.toContain('hunter2');
  });

  it('keeps an interrupted run resumable and lists its unfinished machines', async () => {
    await startRun(store, ['BRU-D0001', 'BRU-D0002', 'BRU-D0003']);
    const writer = createJournalWriter(store, { runId: RUN });
    writer(finished(makeResult('BRU-D0001', 'changed')));
    writer(finished(makeResult('BRU-D0002', 'interrupted', { errorClass: 'interrupted', message: 'interrupted by SIGINT' })));
    writer({ kind: 'run-interrupted', signal: 'SIGINT', at: '2026-11-21T17:16:00.000Z' });
    await writer.close();
    const run = await store.findResumableRun();
    expect(run).toMatchObject({ id: RUN, outcome: 'interrupted', finishedAt: null });
    expect((await store.pendingMachines(RUN)).map((m) => m.machine)).toEqual(['BRU-D0002', 'BRU-D0003']);
    expect(await store.listCases()).toEqual([]); // an interruption is not a case
  });

  it('reports a failed write through onError and close()', async () => {
    const errors: Error[] = [];
    const writer = createJournalWriter(store, { runId: 'no-such-run', onError: (e) => errors.push(e) });
    writer(finished(makeResult('BRU-D0001', 'ok')));
    await expect(writer.close()).rejects.toThrow('run no-such-run is not in the journal');
    expect(errors).toHaveLength(1);
  });
}));
