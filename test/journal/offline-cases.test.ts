/**
 * The offline case in both journals: opened once for a PC keep has not seen for too long, routed, without attempts
 * or a run, never escalating by age or attempts; closed when the PC answers; replaced by a failure's case when the
 * PC is reached and fails; carried by journal copy.
 */
import { copyJournal, createJournalWriter, listErrors, statusBySite } from '../../src/journal/index.js';
import type { JournalStore, MachineRecord, PresenceUpdate } from '../../src/journal/index.js';
import type { NotSeenPc } from '../../src/journal/offline-cases.js';
import { finished, makeResult } from './fixtures.js';
import { eachStore } from './stores.js';

const T0 = Date.parse('2026-11-20T08:00:00.000Z'); // a Friday
const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const route = (record: MachineRecord) => ({ owner: `${record.result.site}-support@example.com`, dueInMs: null });
const context = { route, escalateAfterAttempts: 3 };

const unseen = (machine: string, at: number): PresenceUpdate => ({ machine, site: 'bru', seen: false, at: iso(at), nextProbeAt: null });
const seen = (machine: string, at: number): PresenceUpdate => ({ machine, site: 'bru', seen: true, at: iso(at), nextProbeAt: null });
const away = (machine: string, at: number): NotSeenPc => ({ machine, site: 'bru', since: iso(T0), at: iso(at), message: 'not seen for 4 working days (since 2026-11-20 09:00)' });

async function failedRun(store: JournalStore, runId: string, machine: string, at: number): Promise<void> {
  const result = makeResult(machine, 'failed', { at: iso(at), site: 'bru' });
  await store.startRun({ id: runId, mode: 'apply', startedAt: iso(at), commandLine: 'homeshift keep', planHash: 'p', selector: null }, [{ machine, site: 'bru', wave: 1, planHash: 'plan-a' }]);
  const writer = createJournalWriter(store, { runId, route, escalateAfterAttempts: 3 });
  writer(finished(result, 1));
  writer({ kind: 'run-finished', outcome: 'failed', counts: {} as never, at: iso(at) });
  await writer.close();
}

describe('offline cases in the journal', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => { store = (await open()).store; });
  afterEach(async () => { await store.close(); });

  it('opens one case per PC, routed, without attempts or run, and closes it when the PC answers again', async () => {
    await store.recordPresence([unseen('BRU-D0001', T0)]);
    const first = await store.recordPresence([unseen('BRU-D0001', T0 + 6 * DAY)], { notSeen: [away('BRU-D0001', T0 + 6 * DAY)], context });
    expect(first).toEqual({ opened: ['BRU-D0001'], closed: [] });
    for (const n of [7, 8]) expect(await store.recordPresence([unseen('BRU-D0001', T0 + n * DAY)], { notSeen: [away('BRU-D0001', T0 + n * DAY)], context })).toEqual({ opened: [], closed: [] });

    const cases = await store.listCases();
    expect(cases).toEqual([{
      machine: 'BRU-D0001', site: 'bru', status: 'open', errorClass: 'offline', fingerprint: 'offline:not-seen', message: 'not seen for 4 working days (since 2026-11-20 09:00)',
      firstFailed: iso(T0), lastAttempt: iso(T0 + 6 * DAY), lastRun: null, attempts: 0, owner: 'bru-support@example.com', dueAt: null, escalatedAt: null, closedAt: null, closedByRun: null,
    }]);
    // open for 8 days, past escalateAfter (2d) and the attempts' limit would not apply: it does not escalate
    const now = new Date(T0 + 8 * DAY);
    const status = await statusBySite(store, { now, escalation: { after: '2d', afterAttempts: 1 } });
    expect(status.sites[0]).toMatchObject({ open: 1, escalated: 0 });
    expect(status.sites[0].cases[0]).toMatchObject({ errorClass: 'offline', attempts: 0, escalated: false, who: 'site' });
    expect(status.sites[0].cases[0].whatToDo).toMatch(/^Call the colleague: is the PC switched on and on the VPN\?/);
    const errors = await listErrors(store, { group: true, now, escalation: { after: '2d', afterAttempts: 1 } });
    expect(errors.grouped && errors.groups.map((g) => [g.fingerprint, g.count, g.escalated])).toEqual([['offline:not-seen', 1, 0]]);

    expect(await store.recordPresence([seen('BRU-D0001', T0 + 9 * DAY)])).toEqual({ opened: [], closed: ['BRU-D0001'] });
    expect((await store.listCases())[0]).toMatchObject({ status: 'closed', closedAt: iso(T0 + 9 * DAY), closedByRun: null, attempts: 0 });
    expect((await store.caseEvents('BRU-D0001')).map((e) => [e.kind, e.at, e.owner, e.runId])).toEqual([
      ['opened', iso(T0 + 6 * DAY), 'bru-support@example.com', null], ['closed', iso(T0 + 9 * DAY), null, null],
    ]);
  });

  it('leaves a PC with an open failure case that case; a failure replaces an offline case with its own', async () => {
    await failedRun(store, 'r1', 'BRU-D0002', T0);
    await store.recordPresence([unseen('BRU-D0002', T0 + DAY)]);
    expect(await store.recordPresence([unseen('BRU-D0002', T0 + 6 * DAY)], { notSeen: [away('BRU-D0002', T0 + 6 * DAY)], context })).toEqual({ opened: [], closed: [] });
    expect(await store.listCases({ status: 'open' })).toMatchObject([{ machine: 'BRU-D0002', errorClass: 'step-failed', attempts: 1, lastRun: 'r1' }]);

    await store.recordPresence([unseen('BRU-D0003', T0)], { notSeen: [away('BRU-D0003', T0 + 6 * DAY)], context });
    await failedRun(store, 'r2', 'BRU-D0003', T0 + 7 * DAY); // reached by a rollout while its offline case was open
    const [, replaced] = await store.listCases({ status: 'open' });
    expect(replaced).toMatchObject({ machine: 'BRU-D0003', errorClass: 'step-failed', attempts: 1, firstFailed: iso(T0 + 7 * DAY), lastRun: 'r2', owner: 'bru-support@example.com' });
    expect((await store.caseEvents('BRU-D0003')).map((e) => [e.kind, e.runId])).toEqual([['opened', null], ['closed', 'r2'], ['opened', 'r2']]);
  });

  it('goes with journal copy', async () => {
    await store.recordPresence([unseen('BRU-D0004', T0)], { notSeen: [away('BRU-D0004', T0 + 6 * DAY)], context });
    const target = (await open()).store;
    try {
      await copyJournal(store, target);
      expect(await target.listCases()).toEqual(await store.listCases());
      expect(await target.caseEvents()).toEqual(await store.caseEvents());
    } finally {
      await target.close();
    }
  });
}));
