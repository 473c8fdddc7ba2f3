/**
 * Reports aggregate in the store. Each aggregate is checked against the plain answer worked out in memory from every
 * row (the way reports used to be computed), on a journal with several runs, sites, causes, a check run, an
 * interrupted run and machines outside the inventory: both stores, the same answers.
 */
import { escalatedAt, lastResults, listErrors, machineLog, openCasesOverTime, runsInProgress, statusBySite } from '../../src/journal/index.js';
import type { EscalationPolicy, JournalStore, RunMachineRecord } from '../../src/journal/index.js';
import { machineId } from './fixtures.js';
import { buildJournal, SITES } from './sample-journal.js';
import { eachStore } from './stores.js';

const NOW = new Date('2026-11-25T12:00:00.000Z');
const POLICY: EscalationPolicy = { after: '1d', afterAttempts: 3 };

const isFail = (s: string): boolean => s === 'failed' || s === 'unreachable';
const isOk = (s: string): boolean => s === 'ok' || s === 'changed';

describe('aggregates in the store', () => eachStore((open) => {
  let store: JournalStore;
  let rows: RunMachineRecord[];
  const inventory = Array.from({ length: 80 }, (_, i) => ({ id: machineId(SITES[i % 3].toUpperCase(), i), site: SITES[i % 3] }));
  const planHashes = new Map(inventory.map((m) => [m.id, 'plan-a']));
  beforeAll(async () => {
    store = (await open()).store;
    await buildJournal(store);
    rows = await store.listRunMachines({});
  });
  afterAll(async () => store.close());

  it('status per site equals counting every machine in memory', async () => {
    const cases = new Map((await store.listCases({ status: 'open' })).map((c) => [c.machine, c]));
    const states = new Map((await store.listMachineStates()).map((s) => [s.machine, s]));
    const expected = new Map<string, Record<string, number>>();
    for (const m of inventory.slice(30)) {
      const e = expected.get(m.site) ?? { machines: 0, done: 0, open: 0, neverTried: 0, stale: 0, escalated: 0 };
      expected.set(m.site, e);
      e.machines++;
      const c = cases.get(m.id);
      const s = states.get(m.id);
      if (c) {
        e.open++;
        if (escalatedAt(c, POLICY, NOW)) e.escalated++;
      } else if (!s) e.neverTried++;
      else if (s.lastSuccessPlanHash !== planHashes.get(m.id)) e.stale++;
      else e.done++;
    }
    for (const c of cases.values()) {
      if (inventory.slice(30).some((m) => m.id === c.machine)) continue;
      const e = expected.get(c.site)!;
      e.machines++;
      e.open++;
      if (escalatedAt(c, POLICY, NOW)) e.escalated++;
    }
    const status = await statusBySite(store, { now: NOW, planHashes, machines: inventory.slice(30), escalation: POLICY });
    expect(Object.fromEntries(status.sites.map(({ site, cases: list, rebootPending, ...counts }) => [site, { ...counts, listed: list.length, rebootPending }])))
      .toEqual(Object.fromEntries([...expected].map(([site, e]) => [site, { ...e, listed: e.open, rebootPending: [] }])));
    expect(status.totals.stale).toBeGreaterThan(0);
    expect(status.totals.escalated).toBeGreaterThan(0);
    expect(status.totals.neverTried).toBeGreaterThan(0);

    const known = await statusBySite(store, { now: NOW, escalation: POLICY });
    expect(known.totals.machines).toBe(new Set(rows.map((r) => r.machine)).size);
    expect((await statusBySite(store, { now: NOW, site: 'koe', escalation: POLICY })).sites.map((s) => s.site)).toEqual(['koe']);
  });

  it('errors --group equals grouping every open case in memory', async () => {
    const cases = await store.listCases({ status: 'open', site: 'bru' });
    const byFp = new Map<string, typeof cases>();
    for (const c of cases) byFp.set(c.fingerprint ?? '', [...(byFp.get(c.fingerprint ?? '') ?? []), c]);
    const list = await listErrors(store, { group: true, site: 'bru', now: NOW, escalation: POLICY });
    if (!list.grouped) throw new Error('expected groups');
    expect(list.groups.length).toBeGreaterThan(2);
    expect(list.groups.map((g) => g.count)).toEqual([...list.groups.map((g) => g.count)].sort((a, b) => b - a));
    for (const g of list.groups) {
      const members = byFp.get(g.fingerprint)!;
      expect(g).toMatchObject({
        count: members.length,
        errorClass: members[0].errorClass,
        machines: members.map((c) => c.machine).sort().slice(0, 5),
        sites: ['bru'],
        owners: ['lead of bru'],
        escalated: members.filter((c) => escalatedAt(c, POLICY, NOW)).length,
        firstFailed: members.map((c) => c.firstFailed).sort()[0],
      });
    }
    const all = await listErrors(store, { group: true, now: NOW, escalation: POLICY });
    if (!all.grouped) throw new Error('expected groups');
    expect(all.groups.reduce((n, g) => n + g.count, 0)).toBe((await store.listCases({ status: 'open' })).length);
    expect(all.groups.find((g) => g.sites.includes('ham'))?.owners).not.toContain(null);
  });

  it('errors --limit: only the cases of the selected machines, grouped or not', async () => {
    const open = await store.listCases({ status: 'open' });
    const picked = open.filter((_, i) => i % 3 === 0).map((c) => c.machine);
    const grouped = await listErrors(store, { group: true, machines: picked, now: NOW, escalation: POLICY });
    if (!grouped.grouped) throw new Error('expected groups');
    expect(grouped.groups.reduce((n, g) => n + g.count, 0)).toBe(picked.length);
    expect(grouped.groups.flatMap((g) => g.machines).every((m) => picked.includes(m))).toBe(true);
    const flat = await listErrors(store, { machines: picked, now: NOW, escalation: POLICY });
    expect(!flat.grouped && flat.cases.map((c) => c.machine).sort()).toEqual([...picked].sort());
  });

  it('status --limit counts and lists only the selected machines', async () => {
    const picked = inventory.slice(30, 40);
    const status = await statusBySite(store, { now: NOW, planHashes, machines: picked, only: true, escalation: POLICY });
    expect(status.totals.machines).toBe(picked.length);
    const ids = new Set(picked.map((m) => m.id));
    expect(status.sites.flatMap((s) => s.cases).every((c) => ids.has(c.machine))).toBe(true);
    expect(status.totals.open).toBe(status.sites.flatMap((s) => s.cases).length);
  });

  it('the burn-down equals replaying every apply result in run order', async () => {
    const runs = (await store.listRuns({ mode: 'apply' })).reverse();
    const openSet = new Set<string>();
    const expected = runs.map((run) => {
      let last = run.startedAt;
      for (const row of rows.filter((r) => r.runId === run.id)) {
        if (isFail(row.status)) openSet.add(row.machine);
        else if (isOk(row.status)) openSet.delete(row.machine);
        if (row.finishedAt && row.finishedAt > last) last = row.finishedAt;
      }
      return { runId: run.id, at: run.finishedAt ?? last, open: openSet.size };
    });
    expect(await openCasesOverTime(store)).toEqual(expected);
    expect(expected.at(-1)!.open).toBe((await store.listCases({ status: 'open' })).length);
  });

  it('last results equal the newest finished row of every machine, with its first failing step', async () => {
    const newest = new Map<string, RunMachineRecord>();
    for (const row of rows) if (row.status !== 'pending') newest.set(row.machine, row);
    const last = await lastResults(store);
    expect([...last.keys()].sort()).toEqual([...newest.keys()].sort());
    for (const [machine, row] of newest) {
      const got = last.get(machine)!;
      expect({ runId: got.runId, status: got.status }).toEqual({ runId: row.runId, status: row.status });
      const steps = await store.listStepResults(row.runId, machine);
      expect(got.failingStep).toEqual(isFail(row.status) ? steps.find((s) => isFail(s.status)) : null);
    }
  });

  it('a machine log holds every attempt and step', async () => {
    const id = machineId('BRU', 45);
    const log = await machineLog(store, id);
    const mine = rows.filter((r) => r.machine === id);
    expect(log.attempts.map((a) => a.runId)).toEqual(mine.map((r) => r.runId));
    for (const a of log.attempts) expect(a.steps).toEqual(await store.listStepResults(a.runId, id));
    expect(log.attempts[0]).toMatchObject({ mode: 'apply', commandLine: 'homeshift rollout' });
  });

  it('status lists the interrupted run with how far it got and the command that finishes it', async () => {
    const runs = await runsInProgress(store);
    expect(runs).toEqual([expect.objectContaining({ id: '20261124-100000-1111', mode: 'apply', done: 10, total: 30, state: 'interrupted', resume: 'homeshift rollout --resume' })]);
    expect((await statusBySite(store, { now: NOW })).runs).toEqual(runs);
  });
}));
