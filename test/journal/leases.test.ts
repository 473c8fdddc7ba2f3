import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { openSqliteStore } from '../../src/journal/index.js';
import { compileJournal } from './compile.js';
import { makeTempDir } from './fixtures.js';
import { describeLeaseContract } from './lease-contract.js';
import { eachStore } from './stores.js';

let tmp: ReturnType<typeof makeTempDir>;
let n = 0;
beforeAll(() => { tmp = makeTempDir(); });
afterAll(() => tmp.remove());

describeLeaseContract('sqlite', () => openSqliteStore(join(tmp.dir, `journal-${++n}.db`)));

// the same cases on the team journal (and once more on SQLite through the shared store helper)
describe('every store', () => eachStore((open, kind) => describeLeaseContract(kind, async () => (await open()).store)));

/** A controller process that takes the leases of 200 machines, ten at a time, and prints what it was granted. */
const CONTROLLER = (journal: string, file: string, id: number): string => `
import { openSqliteStore } from ${JSON.stringify(journal)};
const store = await openSqliteStore(${JSON.stringify(file)});
const holder = { runId: 'run-${id}', who: 'ctl${id}@host', pid: process.pid };
const machines = Array.from({ length: 200 }, (_, i) => 'BRU-D' + String(i).padStart(4, '0'));
const granted = [];
for (let i = 0; i < machines.length; i += 10) granted.push(...(await store.acquireLeases(holder, machines.slice(i, i + 10), 60000)).granted);
console.log(JSON.stringify(granted));
await store.close();
`;

test('controllers in separate processes taking the same machines at once never both get one', async () => {
  const journal = compileJournal(join(tmp.dir, 'build'));
  const file = join(tmp.dir, 'shared.db');
  await (await openSqliteStore(file)).close();
  const scripts = [1, 2, 3, 4].map((id) => {
    const script = join(tmp.dir, `controller-${id}.mjs`);
    writeFileSync(script, CONTROLLER(journal, file, id));
    return script;
  });
  const runs = await Promise.all(scripts.map((s) => execa('node', [s])));
  const grants = runs.map((r) => JSON.parse(r.stdout) as string[]);
  const all = grants.flat();
  expect(new Set(all).size).toBe(all.length); // no machine granted twice
  expect(all).toHaveLength(200);
  const store = await openSqliteStore(file);
  const leases = await store.listLeases();
  await store.close();
  expect(leases).toHaveLength(200);
  for (const [i, granted] of grants.entries()) {
    const mine = new Set(granted);
    expect(leases.filter((l) => mine.has(l.machine)).every((l) => l.holder.runId === `run-${i + 1}`)).toBe(true);
  }
});
