import { copyJournal, createJournalWriter } from '../../src/journal/index.js';
import type { JournalStore, MachineRecord } from '../../src/journal/index.js';
import type { MachineResult, RunMode, StepResult } from '../../src/model/result.js';
import { homeReadyOverTime } from '../../src/report/html/home-ready.js';
import { finished } from './fixtures.js';
import { eachStore } from './stores.js';

const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;
const route = (record: MachineRecord) => ({ owner: `${record.result.site}-support@example.com`, dueInMs: null });

function step(id: string, status: StepResult['status'], stderrTail = ''): StepResult {
  return { step: id, status, errorClass: status === 'failed' ? 'step-failed' : null, exitCode: status === 'failed' ? 1 : null, durationMs: 5, stdoutTail: '', stderrTail, message: status === 'failed' ? `check exited 1: ${stderrTail}` : null };
}

/** A result of the checks alone (as keep's compliance check runs them): screen lock as given, disk encrypted. */
function checks(machine: string, at: number, screenLock: StepResult['status']): MachineResult {
  const steps = [step('check:disk-encryption', 'ok'), step('check:screen-lock', screenLock, screenLock === 'ok' ? '' : 'screen lock policy of 10 minutes is not compiled into the dconf database')];
  const status = screenLock === 'would-change' ? 'would-change' : 'ok';
  return { machine, site: 'bru', status, errorClass: null, message: null, fingerprint: null, attempts: 1, startedAt: iso(at), finishedAt: iso(at), durationMs: 10, planHash: 'plan-a', steps };
}

async function record(store: JournalStore, runId: string, mode: RunMode, results: MachineResult[]): Promise<void> {
  await store.startRun({ id: runId, mode, startedAt: results[0].startedAt, commandLine: 'homeshift keep', planHash: 'p', selector: null }, results.map((r) => ({ machine: r.machine, site: r.site, wave: 1, planHash: r.planHash })));
  const writer = createJournalWriter(store, { runId, route });
  for (const r of results) writer(finished(r, 1));
  writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: results[0].finishedAt });
  await writer.close();
}

describe('compliance in the journal', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => {
    store = (await open()).store;
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps each PC compliant or not (with the check) since when; a check run opens a case with the check as cause and closes it when the PC complies again', async () => {
    await record(store, 'r1', 'check', [checks('BRU-D0001', T0, 'ok'), checks('BRU-D0002', T0, 'ok')]);
    expect(await store.listCompliance()).toEqual([
      { machine: 'BRU-D0001', site: 'bru', state: 'compliant', check: null, message: null, fingerprint: null, since: iso(T0), checkedAt: iso(T0), runId: 'r1' },
      { machine: 'BRU-D0002', site: 'bru', state: 'compliant', check: null, message: null, fingerprint: null, since: iso(T0), checkedAt: iso(T0), runId: 'r1' },
    ]);
    expect(await store.listCases()).toEqual([]);

    await record(store, 'r2', 'check', [checks('BRU-D0001', T0 + HOUR, 'ok'), checks('BRU-D0002', T0 + HOUR, 'would-change')]);
    const [one, two] = await store.listCompliance();
    expect(one).toMatchObject({ state: 'compliant', since: iso(T0), checkedAt: iso(T0 + HOUR), runId: 'r2' });
    expect(two).toMatchObject({ state: 'not-compliant', check: 'check:screen-lock', since: iso(T0 + HOUR), message: 'check:screen-lock: screen lock policy of 10 minutes is not compiled into the dconf database' });
    const [opened] = await store.listCases({ status: 'open' });
    expect(opened).toMatchObject({ machine: 'BRU-D0002', errorClass: 'step-failed', message: two.message, fingerprint: two.fingerprint, attempts: 1, owner: 'bru-support@example.com', firstFailed: iso(T0 + HOUR), lastRun: 'r2' });
    expect((await store.caseEvents('BRU-D0002')).map((e) => [e.kind, e.runId, e.owner])).toEqual([['opened', 'r2', 'bru-support@example.com']]);

    // still out of compliance: the case stays as it is (its attempts are the fixing runs')
    await record(store, 'r3', 'check', [checks('BRU-D0002', T0 + 2 * HOUR, 'would-change')]);
    expect((await store.listCases({ status: 'open' }))[0]).toMatchObject({ attempts: 1, lastRun: 'r2' });
    expect((await store.listCompliance())[1]).toMatchObject({ since: iso(T0 + HOUR), checkedAt: iso(T0 + 2 * HOUR) });

    await record(store, 'r4', 'check', [checks('BRU-D0002', T0 + 3 * HOUR, 'ok')]);
    expect(await store.listCases({ status: 'open' })).toEqual([]);
    expect((await store.listCases({ machine: 'BRU-D0002' }))[0]).toMatchObject({ status: 'closed', closedByRun: 'r4', closedAt: iso(T0 + 3 * HOUR) });
    expect((await store.listCompliance())[1]).toMatchObject({ state: 'compliant', check: null, since: iso(T0 + 3 * HOUR) });
  });

  it('records compliance from apply runs without opening cases of its own, and leaves other causes\' cases open', async () => {
    const failedBundle: MachineResult = { ...checks('BRU-D0003', T0, 'ok'), status: 'failed', errorClass: 'step-failed', message: 'bundle:office: apply exited 3: no space left' };
    failedBundle.steps = [...failedBundle.steps, step('bundle:office', 'failed', 'no space left')];
    await record(store, 'r1', 'apply', [failedBundle]);
    expect(await store.listCompliance()).toMatchObject([{ machine: 'BRU-D0003', state: 'compliant' }]);
    const [c] = await store.listCases({ status: 'open' });
    expect(c.message).toBe('bundle:office: apply exited 3: no space left');
    await record(store, 'r2', 'check', [checks('BRU-D0003', T0 + HOUR, 'ok')]);
    expect(await store.listCases({ status: 'open' })).toHaveLength(1); // not a compliance case: a check run leaves it
  });

  it('a check that cannot conclude (timeout) leaves the state as it was', async () => {
    await record(store, 'r1', 'check', [checks('BRU-D0004', T0, 'ok')]);
    const cut = checks('BRU-D0004', T0 + HOUR, 'ok');
    cut.steps[1] = { ...cut.steps[1], status: 'failed', errorClass: 'timeout', message: 'check:screen-lock: timed out' };
    cut.status = 'failed';
    cut.errorClass = 'timeout';
    await record(store, 'r2', 'check', [cut]);
    expect(await store.listCompliance()).toMatchObject([{ state: 'compliant', checkedAt: iso(T0) }]);
  });

  it('the report counts a PC out of compliance as not home-ready from when it fell out', async () => {
    await record(store, 'r1', 'apply', [checks('BRU-D0006', T0, 'ok'), checks('BRU-D0007', T0, 'ok')]);
    await record(store, 'r2', 'check', [checks('BRU-D0006', T0 + HOUR, 'would-change'), checks('BRU-D0007', T0 + HOUR, 'ok')]);
    expect((await homeReadyOverTime(store)).map((p) => [p.runId, p.bySite.bru])).toEqual([['r1', 2], ['r2', 1]]);
  });

  it('journal copy carries the compliance records, the newer check per machine', async () => {
    await record(store, 'r1', 'check', [checks('BRU-D0005', T0, 'would-change')]);
    expect(await store.listCases()).toEqual([]); // never rolled out: not done yet, not out of compliance
    const target = (await open()).store;
    try {
      const summary = await copyJournal(store, target);
      expect(summary.compliance).toBe(1);
      expect(await target.listCompliance()).toEqual(await store.listCompliance());
      expect((await copyJournal(store, target)).compliance).toBe(0);
    } finally {
      await target.close();
    }
  });
}));
