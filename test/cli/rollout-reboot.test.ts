/**
 * rollout --reboot on real Linux lab PCs: a restart: true package installed by a plain rollout leaves its PCs waiting
 * for a reboot; rollout --reboot restarts them, but not a PC with a user logged on (its site has no window of time,
 * so any hour is fine), which waits until the user is gone.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { RESTARTS_LOG, setLoggedOn } from '../../src/lab/session-tools.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { machineResults, runCli } from './run-cli.js';

const BUNDLE = `bundles:
  - name: driver-update
    version: "1.0"
    packages:
      - name: headset-driver
        version: "2.4"
        restart: true
        linux: { apt: headset-driver }
`;

let base: string;
let lab: Lab;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hs-rollout-reboot-'));
  lab = await startLab({ dir: join(base, 'lab'), machines: 2, sites: 1, windows: '0' });
  const shipped = await readFile(new URL('../../profiles/home-office-base.yaml', import.meta.url), 'utf8');
  await mkdir(join(lab.projectDir, 'profiles'), { recursive: true });
  await mkdir(join(lab.projectDir, 'bundles'), { recursive: true });
  await writeFile(join(lab.projectDir, 'profiles', 'home-office-base.yaml'), shipped.replace(/^bundles:\n/m, 'bundles:\n  - driver-update\n'));
  await writeFile(join(lab.projectDir, 'bundles', 'driver-update.yaml'), BUNDLE);
}, 120_000);

afterAll(async () => {
  await lab?.stop();
  await rm(base, { recursive: true, force: true });
});

const root = (id: string) => lab.machines.find((m) => m.id === id)!.root;
const restarts = async (id: string) => (await readFile(join(root(id), RESTARTS_LOG), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

async function pending(): Promise<string[]> {
  const store = await openSqliteStore(join(lab.projectDir, '.homeshift', 'journal.db'), { create: false });
  try {
    return (await store.rebootPending()).map((r) => r.machine).sort();
  } finally {
    await store.close();
  }
}

/** The lab restarts a PC a moment after the run: wait for its record, polling the PC's folder. */
async function waitFor(what: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the lab');
    await new Promise((done) => setTimeout(done, 100));
  }
}

test('a plain rollout installs and leaves the PCs waiting; --reboot restarts them, never under a logged-on user', async () => {
  const [a, b] = lab.machines.map((m) => m.id).sort();
  const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json']);
  expect(first.exitCode).toBe(0);
  expect(machineResults(String(first.stdout)).map((r) => r.steps.find((s) => s.step === 'bundle:driver-update')?.status)).toEqual(['changed', 'changed']);
  expect(String(first.stderr)).toContain('2 reboot pending');
  expect(await pending()).toEqual([a, b]);
  expect([await restarts(a), await restarts(b)]).toEqual([0, 0]); // a plain rollout never restarts a PC

  await setLoggedOn(root(a), true);
  const second = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--reboot']);
  expect(second.exitCode).toBe(0);
  const steps = new Map(machineResults(String(second.stdout)).map((r) => [r.machine, r.steps.find((s) => s.step === 'reboot')]));
  expect(steps.get(a)).toMatchObject({ status: 'deferred', message: 'deferred: user logged on' });
  expect(steps.get(b)?.status).toBe('changed');
  await waitFor(async () => (await restarts(b)) === 1);
  expect(await pending()).toEqual([a]);
  expect(await restarts(a)).toBe(0);

  await setLoggedOn(root(a), false);
  const third = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--reboot', '--limit', a]);
  expect(machineResults(String(third.stdout))[0].steps.find((s) => s.step === 'reboot')?.status).toBe('changed');
  await waitFor(async () => (await restarts(a)) === 1);
  expect(await pending()).toEqual([]);
}, 240_000);
