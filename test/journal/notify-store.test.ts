import Database from 'better-sqlite3';
import { join } from 'node:path';
import { createJournalWriter, escalationRule, MIGRATIONS, migrate, openSqliteStore } from '../../src/journal/index.js';
import type { JournalStore, MachineRecord } from '../../src/journal/index.js';
import type { MachineResult } from '../../src/model/result.js';
import { finished, makeResult, makeTempDir } from './fixtures.js';
import { eachStore } from './stores.js';

const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const HOUR = 3_600_000;
const NEVER = { after: null, afterAttempts: null };

// BRU-D0001 is due after an hour; BRU-D0002 has no reaction time.
const route = (record: MachineRecord) => ({ owner: 'it-ops@example.com', dueInMs: record.result.machine === 'BRU-D0001' ? HOUR : null });

async function record(store: JournalStore, runId: string, results: MachineResult[]): Promise<void> {
  await store.startRun(
    { id: runId, mode: 'apply', startedAt: results[0].startedAt, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })),
  );
  const writer = createJournalWriter(store, { runId, route });
  for (const r of results) writer(finished(r));
  writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: results[0].finishedAt });
  await writer.close();
}

describe('overdue cases, escalation events and notify deliveries', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => {
    store = (await open()).store;
    await record(store, 'r1', [makeResult('BRU-D0001', 'failed', { at: iso(T0) }), makeResult('BRU-D0002', 'failed', { at: iso(T0) })]);
  });
  afterEach(async () => {
    await store.close();
  });

  it('counts a case past its due time as overdue and escalated, in the store', async () => {
    const before = escalationRule(NEVER, new Date(T0 + HOUR - 1));
    const after = escalationRule(NEVER, new Date(T0 + HOUR));
    const [early] = await store.groupOpenCases({ escalation: before });
    expect(early).toMatchObject({ count: 2, overdue: 0, escalated: 0, dueAt: iso(T0 + HOUR) });
    const [late] = await store.groupOpenCases({ escalation: after });
    expect(late).toMatchObject({ count: 2, overdue: 1, escalated: 1, dueAt: iso(T0 + HOUR) });
    expect((await store.countBySite({ escalation: after }))[0]).toMatchObject({ site: 'bru', open: 2, escalated: 1 });
    expect((await store.countBySite({ escalation: before }))[0]).toMatchObject({ escalated: 0 });
  });

  it('records an escalation as a case event and keeps the first escalated_at', async () => {
    expect(await store.escalateCase('BRU-D0001', 'it-lead@example.com', iso(T0 + HOUR), 'anna@pc1')).toBe(true);
    expect(await store.escalateCase('BRU-D0001', 'Ben Kurz <ben@example.com>', iso(T0 + 2 * HOUR), 'anna@pc1')).toBe(true);
    expect(await store.escalateCase('BRU-D0009', 'it-lead@example.com', iso(T0 + HOUR), 'anna@pc1')).toBe(false);
    const [c] = await store.listCases({ machine: 'BRU-D0001' });
    expect(c.escalatedAt).toBe(iso(T0 + HOUR));
    expect((await store.caseEvents('BRU-D0001')).slice(1)).toEqual([
      { machine: 'BRU-D0001', at: iso(T0 + HOUR), kind: 'escalated', owner: 'it-lead@example.com', text: null, runId: null, who: 'anna@pc1' },
      { machine: 'BRU-D0001', at: iso(T0 + 2 * HOUR), kind: 'escalated', owner: 'Ben Kurz <ben@example.com>', text: null, runId: null, who: 'anna@pc1' },
    ]);
  });

  it('keeps one delivery per recipient, digest and machine, the newest state', async () => {
    await store.recordDeliveries([
      { recipient: 'it-ops@example.com', digest: 'owner', machine: 'BRU-D0001', state: 's1', deliveredAt: iso(T0 + HOUR) },
      { recipient: 'it-ops@example.com', digest: 'owner', machine: 'BRU-D0002', state: 's1', deliveredAt: iso(T0 + HOUR) },
      { recipient: 'it-lead@example.com', digest: 'escalation', machine: 'BRU-D0001', state: 's1', deliveredAt: iso(T0 + HOUR) },
    ]);
    await store.recordDeliveries([{ recipient: 'it-ops@example.com', digest: 'owner', machine: 'BRU-D0001', state: 's2', deliveredAt: iso(T0 + 2 * HOUR) }]);
    expect(await store.listDeliveries()).toEqual([
      { recipient: 'it-lead@example.com', digest: 'escalation', machine: 'BRU-D0001', state: 's1', deliveredAt: iso(T0 + HOUR) },
      { recipient: 'it-ops@example.com', digest: 'owner', machine: 'BRU-D0001', state: 's2', deliveredAt: iso(T0 + 2 * HOUR) },
      { recipient: 'it-ops@example.com', digest: 'owner', machine: 'BRU-D0002', state: 's1', deliveredAt: iso(T0 + HOUR) },
    ]);
  });
}));

describe('the SQLite migration that lets case events record escalations', () => {
  it('keeps the events an older journal holds, with their ids', async () => {
    const tmp = makeTempDir();
    try {
      const file = join(tmp.dir, 'old.db');
      const db = new Database(file);
      migrate(db, file, MIGRATIONS.length - 2);
      db.prepare("INSERT INTO case_events (machine, at, kind, owner) VALUES ('BRU-D0001', ?, 'assigned', 'x@example.com')").run(iso(T0));
      db.close();
      const store = await openSqliteStore(file);
      expect(await store.caseEvents('BRU-D0001')).toEqual([
        { machine: 'BRU-D0001', at: iso(T0), kind: 'assigned', owner: 'x@example.com', text: null, runId: null, who: null },
      ]);
      expect(await store.listDeliveries()).toEqual([]);
      await store.close();
    } finally {
      tmp.remove();
    }
  });
});
