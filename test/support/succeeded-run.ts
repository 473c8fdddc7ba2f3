import { openSqliteStore, routeBySite } from '../../src/journal/index.js';
import type { MachineResult } from '../../src/model/result.js';

export interface Succeeded {
  id: string;
  site: string;
  hash: string; // the plan hash the machine succeeded with
}

/** Journals one finished apply run in which every machine of `done` changed, at `at`, into the SQLite journal `file`. */
export async function journalSucceededRun(file: string, run: { id: string; planHash: string; at: string }, done: Succeeded[]): Promise<void> {
  const store = await openSqliteStore(file);
  const { id, at } = run;
  await store.startRun({ id, mode: 'apply', startedAt: at, commandLine: 'homeshift rollout', planHash: run.planHash, selector: null },
    done.map((m) => ({ machine: m.id, site: m.site, wave: 1, planHash: m.hash })));
  const result = (m: Succeeded): MachineResult => ({
    machine: m.id, site: m.site, status: 'changed', errorClass: null, message: null, fingerprint: null, attempts: 1,
    startedAt: at, finishedAt: at, durationMs: 10, planHash: m.hash, steps: [],
  });
  await store.recordResults(id, done.map((m) => ({ result: result(m), wave: 1, fingerprint: null })), { route: routeBySite(() => null), escalateAfterAttempts: 3 });
  await store.finishRun(id, 'ok', at);
  await store.close();
}
