import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { setScreenLock } from '../../src/lab/screen-lock.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { runCli } from './run-cli.js';

/**
 * Compliance, continuously, against a real lab of Linux PCs: keep's sweeps run the checks again, a PC whose screen
 * lock is switched off on the PC side becomes a compliance case with the screen-lock check as its cause, and the
 * case closes after the fix.
 */
let base: string;
let lab: Lab;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hs-keep-compliance-'));
  lab = await startLab({ dir: join(base, 'lab'), machines: 4, sites: 1, windows: '0' });
  // every sweep is due for the checks: the shipped base profile with the shortest interval there is
  const shipped = await readFile(new URL('../../profiles/home-office-base.yaml', import.meta.url), 'utf8');
  await mkdir(join(lab.projectDir, 'profiles'), { recursive: true });
  await writeFile(join(lab.projectDir, 'profiles', 'home-office-base.yaml'), `${shipped.replace(/^compliance:\n(  .*\n)*/m, '')}compliance:\n  every: 0.001s\n`);
});

afterAll(async () => {
  await lab?.stop();
  await rm(base, { recursive: true, force: true });
});

interface Sweep { due: Record<string, number>; runId: string | null; checkRunId: string | null }

async function sweep(): Promise<Sweep> {
  const r = await runCli(['-C', lab.projectDir, 'keep', '--once', '--format', 'json', '--probe-timeout', '2s']);
  expect(r.exitCode).toBe(0);
  return JSON.parse(String(r.stdout).split('\n').filter((l) => l.includes('"kind":"sweep"'))[0]);
}

async function journal<T>(read: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
  const store = await openSqliteStore(join(lab.projectDir, '.homeshift', 'journal.db'), { create: false });
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

test('a PC whose screen lock is switched off becomes a compliance case at the next check and closes after the fix', async () => {
  const first = await sweep();
  expect(first.due['never-tried']).toBe(4);
  expect(first.checkRunId).toBeNull();
  expect((await journal((s) => s.listCompliance())).map((c) => c.state)).toEqual(['compliant', 'compliant', 'compliant', 'compliant']);

  const [pc, other] = lab.machines;
  await setScreenLock(pc, false);
  const second = await sweep();
  expect(second.due['compliance-due']).toBe(4);
  expect(second.runId).toBeNull(); // only the checks ran, in a check run
  expect(second.checkRunId).not.toBeNull();
  const opened = await journal((s) => s.listCases({ status: 'open' }));
  expect(opened).toHaveLength(1);
  expect(opened[0]).toMatchObject({ machine: pc.id, errorClass: 'step-failed', attempts: 1, lastRun: second.checkRunId });
  expect(opened[0].message).toMatch(/^check:screen-lock: /);
  const state = (await journal((s) => s.listCompliance())).find((c) => c.machine === pc.id)!;
  expect(state).toMatchObject({ state: 'not-compliant', check: 'check:screen-lock', runId: second.checkRunId });
  const status = await runCli(['-C', lab.projectDir, 'status']);
  expect(String(status.stderr)).toBe('');
  expect(status.stdout).toMatch(/compliant at \S+: 3\/4 \(75%\); not compliant: \S+ \(check:screen-lock since /);
  const errors = await runCli(['-C', lab.projectDir, 'errors']);
  expect(errors.stdout).toContain('check:screen-lock');

  // the next sweep runs the open case through the rollout path, which sets the screen lock again
  const third = await sweep();
  expect(third.due['open-case']).toBe(1);
  expect(third.runId).not.toBeNull();
  expect(await journal((s) => s.listCases({ status: 'open' }))).toEqual([]);
  expect((await journal((s) => s.listCases({ machine: pc.id })))[0]).toMatchObject({ status: 'closed', closedByRun: third.runId });
  expect((await journal((s) => s.listCompliance())).every((c) => c.state === 'compliant')).toBe(true);

  // switched off and back on at the PC before homeshift fixes it: a read-only check run closes the case
  await setScreenLock(other, false);
  await sweep();
  expect((await journal((s) => s.listCases({ status: 'open' }))).map((c) => c.machine)).toEqual([other.id]);
  await setScreenLock(other, true);
  const check = await runCli(['-C', lab.projectDir, 'rollout', '--check', '--yes', '--limit', other.id]);
  expect(check.exitCode).toBe(0);
  expect(await journal((s) => s.listCases({ status: 'open' }))).toEqual([]);
  const events = await journal((s) => s.caseEvents(other.id));
  expect(events.map((e) => e.kind)).toEqual(['opened', 'closed']);
}, 120_000);
