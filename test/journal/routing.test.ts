import { createCaseRouter, createJournalWriter } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import type { Routing, RoutingRule } from '../../src/model/index.js';
import type { MachineResult } from '../../src/model/result.js';
import { finished, makeResult } from './fixtures.js';
import { eachStore } from './stores.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-20T08:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

const rule = (r: Partial<RoutingRule> & Pick<RoutingRule, 'to' | 'reactWithinMs'>): RoutingRule =>
  ({ classes: null, cause: null, site: null, reactWithin: `${r.reactWithinMs / HOUR}h`, pos: { file: 'homeshift.yaml', line: 1, col: 1 }, ...r });

const ROUTING: Routing = {
  groups: {
    'central-it': { members: ['it-ops@example-telco.de', 'it-night@example-telco.de'], lead: 'it-lead@example-telco.de' },
    'directory-team': { members: ['hr-data@example-telco.de'], lead: null },
  },
  rules: [
    rule({ classes: ['auth'], to: 'central-it', reactWithinMs: HOUR }),
    rule({ cause: 'step-failed:mailbox:*', to: 'directory-team', reactWithinMs: 24 * HOUR }),
    rule({ classes: ['unreachable'], to: 'site-supporters', reactWithinMs: 4 * HOUR }),
  ],
};

const SUPPORTERS: Record<string, string[]> = { bru: ['Anna Berg <anna@example.com>'] };

/** One apply run routed as the CLI does: the router's loads are the journal's open cases when the run starts. */
async function record(store: JournalStore, runId: string, results: MachineResult[]): Promise<void> {
  await store.startRun(
    { id: runId, mode: 'apply', startedAt: results[0].startedAt, commandLine: 'homeshift rollout', planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 0, planHash: r.planHash })),
  );
  const open = await store.listCases({ status: 'open' });
  const route = createCaseRouter({ routing: ROUTING, supporters: (site) => SUPPORTERS[site] ?? [], openOwners: open.map((c) => c.owner) });
  const writer = createJournalWriter(store, { runId, route });
  for (const r of results) writer(finished(r));
  writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at: results[0].finishedAt });
  await writer.close();
}

const auth = (machine: string, at: number) => makeResult(machine, 'unreachable', { at: iso(at), errorClass: 'auth', message: 'permission denied (publickey)' });

describe('case routing', () => eachStore((open) => {
  let store: JournalStore;
  beforeEach(async () => {
    store = (await open()).store;
  });
  afterEach(async () => {
    await store.close();
  });

  it('gives each cause its group, the first matching rule winning, with a due time from reactWithin', async () => {
    await record(store, 'r1', [
      auth('BRU-D0001', T0),
      makeResult('BRU-D0002', 'failed', { at: iso(T0) }), // fails at the mailbox step
      makeResult('BRU-D0003', 'unreachable', { at: iso(T0) }),
      makeResult('BRU-D0004', 'failed', { at: iso(T0), errorClass: 'timeout', message: 'step timed out' }),
    ]);
    const byMachine = new Map((await store.listCases()).map((c) => [c.machine, c]));
    expect(byMachine.get('BRU-D0001')).toMatchObject({ owner: 'it-night@example-telco.de', dueAt: iso(T0 + HOUR) });
    expect(byMachine.get('BRU-D0002')).toMatchObject({ owner: 'hr-data@example-telco.de', dueAt: iso(T0 + 24 * HOUR) });
    expect(byMachine.get('BRU-D0003')).toMatchObject({ owner: 'Anna Berg <anna@example.com>', dueAt: iso(T0 + 4 * HOUR) });
    // No rule matches: the site's supporters, no due time.
    expect(byMachine.get('BRU-D0004')).toMatchObject({ owner: 'Anna Berg <anna@example.com>', dueAt: null });
  });

  it('picks the member with the fewest open cases, ties by name, and counts the journal\'s open cases across runs', async () => {
    await record(store, 'r1', [auth('BRU-D0001', T0), auth('BRU-D0002', T0), auth('BRU-D0003', T0)]);
    await record(store, 'r2', [auth('BRU-D0004', T0 + HOUR)]);
    const owners = (await store.listCases()).map((c) => [c.machine, c.owner]);
    expect(owners).toEqual([
      ['BRU-D0001', 'it-night@example-telco.de'],
      ['BRU-D0002', 'it-ops@example-telco.de'],
      ['BRU-D0003', 'it-night@example-telco.de'],
      ['BRU-D0004', 'it-ops@example-telco.de'],
    ]);
  });

  it('keeps a case\'s owner and due time while it stays open, whatever its next failure is', async () => {
    await record(store, 'r1', [auth('BRU-D0001', T0)]);
    await record(store, 'r2', [makeResult('BRU-D0001', 'unreachable', { at: iso(T0 + 2 * HOUR) })]);
    const [c] = await store.listCases();
    expect(c).toMatchObject({ attempts: 2, errorClass: 'unreachable', owner: 'it-night@example-telco.de', dueAt: iso(T0 + HOUR) });
  });

  it('routes a case again when it reopens after a success', async () => {
    await record(store, 'r1', [auth('BRU-D0001', T0)]);
    await record(store, 'r2', [makeResult('BRU-D0001', 'ok', { at: iso(T0 + HOUR) })]);
    await record(store, 'r3', [makeResult('BRU-D0001', 'unreachable', { at: iso(T0 + 2 * HOUR) })]);
    const [c] = await store.listCases();
    expect(c).toMatchObject({ status: 'open', attempts: 1, owner: 'Anna Berg <anna@example.com>', dueAt: iso(T0 + 6 * HOUR) });
  });
}));
