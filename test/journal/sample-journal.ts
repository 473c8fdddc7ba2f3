/**
 * A journal with several apply runs over three sites and three causes, a check run and an interrupted run; machines
 * fail, recover and fail again. Deterministic, so both stores and both sides of a copy hold the same.
 */
import { createJournalWriter, routeBySite } from '../../src/journal/index.js';
import type { JournalStore } from '../../src/journal/index.js';
import type { MachineResult, MachineStatus, RunMode } from '../../src/model/result.js';
import { finished, machineId, makeResult } from './fixtures.js';

export const SITES = ['bru', 'koe', 'ham'];
const CAUSES = ['mailbox not found for e1@x.example.com', 'disk full on /dev/sda1 (98%)', 'winget exited 17 for package Softphone'];

/** A deterministic mix: machine i in run r. */
function statusOf(i: number, r: number): MachineStatus {
  const x = (i * 7 + r * 13) % 10;
  return x < 5 ? 'changed' : x < 7 ? 'ok' : x < 9 ? 'failed' : 'unreachable';
}

export async function record(store: JournalStore, runId: string, mode: RunMode, at: string, results: MachineResult[], finish: 'ok' | 'interrupted' = 'ok'): Promise<void> {
  await store.startRun({ id: runId, mode, startedAt: at, commandLine: `homeshift rollout${mode === 'check' ? ' --check' : ''}`, planHash: 'p', selector: null },
    results.map((r) => ({ machine: r.machine, site: r.site, wave: 1, planHash: r.planHash })));
  const writer = createJournalWriter(store, { runId, route: routeBySite((site) => (site === 'ham' ? null : `lead of ${site}`)), escalateAfterAttempts: 3 });
  for (const r of results) if (r.status !== 'interrupted') writer(finished(r));
  if (finish === 'interrupted') writer({ kind: 'run-interrupted', signal: 'SIGINT', at });
  else writer({ kind: 'run-finished', outcome: 'ok', counts: {} as never, at });
  await writer.close();
}

function result(i: number, r: number, day: number): MachineResult {
  const site = SITES[i % 3];
  const status = statusOf(i, r);
  const at = new Date(Date.parse('2026-11-20T08:00:00.000Z') + day * 86_400_000 + i * 1000).toISOString();
  const cause = CAUSES[Math.floor(i / 3) % 3];
  return makeResult(machineId(site.toUpperCase(), i), status, { site, at, planHash: i % 5 === 0 ? 'old-plan' : 'plan-a', message: status === 'failed' ? `apply exited 3: ${cause} on ${i}` : undefined });
}

export async function buildJournal(store: JournalStore): Promise<void> {
  for (let r = 0; r < 4; r++) await record(store, `2026112${r}-080000-000${r}`, 'apply', new Date(Date.parse('2026-11-20T08:00:00.000Z') + r * 86_400_000).toISOString(), Array.from({ length: 60 }, (_, i) => result(i, r, r)));
  await record(store, '20261124-090000-c0c0', 'check', '2026-11-24T09:00:00.000Z', Array.from({ length: 20 }, (_, i) => result(i, 9, 4)));
  const tail = Array.from({ length: 30 }, (_, i) => result(i + 40, 5, 4));
  tail.slice(10).forEach((t) => (t.status = 'interrupted'));
  await record(store, '20261124-100000-1111', 'apply', '2026-11-24T10:00:00.000Z', tail, 'interrupted');
}

