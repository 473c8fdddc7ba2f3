import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../src/journal/index.js';
import { RESTARTS_LOG, setLoggedOn } from '../../src/lab/session-tools.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { runCli } from './run-cli.js';
import { PWSH_MISSING, pwshAvailable } from '../support/pwsh.js';

/**
 * Windows of time against a real lab of Linux PCs, and of Windows PCs where pwsh is installed: a package marked restart: true waits for the site's window
 * (18:00-07:00 Europe/Berlin) and for nobody to be logged on; inside it, with nobody logged on, it is installed and
 * the PC restarted, and its reboot pending ends. The clock is keep's --now, never a sleep.
 */
const OUTSIDE = '2026-12-07T10:00:00Z'; // 11:00 in Berlin
const INSIDE = '2026-12-07T19:30:00Z'; // 20:30 in Berlin

const bundle = (install: string) => `bundles:
  - name: driver-update
    version: "1.0"
    packages:
      - name: headset-driver
        version: "2.4"
        restart: true
        ${install}
`;

interface OsCase { os: string; windows: string; install: string; marker: string[] }
const CASES: OsCase[] = [
  { os: 'linux', windows: '0', install: 'linux: { apt: headset-driver }', marker: ['var', 'lib', 'sim', 'dpkg', 'headset-driver'] },
  ...(pwshAvailable() ? [{ os: 'windows', windows: '100%', install: 'windows: { wingetId: Jabra.HeadsetDriver }', marker: ['.sim', 'state', 'winget', 'Jabra.HeadsetDriver'] }] : []),
];
if (!pwshAvailable()) console.warn(PWSH_MISSING);

describe.each(CASES)('windows of time on $os lab PCs', ({ windows, install, marker }) => {
  let base: string;
  let lab: Lab;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hs-keep-window-'));
    lab = await startLab({ dir: join(base, 'lab'), machines: 2, sites: 1, windows });
    const project = lab.projectDir;
    const shipped = await readFile(new URL('../../profiles/home-office-base.yaml', import.meta.url), 'utf8');
    await mkdir(join(project, 'profiles'), { recursive: true });
    await mkdir(join(project, 'bundles'), { recursive: true });
    await writeFile(join(project, 'profiles', 'home-office-base.yaml'), shipped.replace(/^bundles:\n/m, 'bundles:\n  - driver-update\n'));
    await writeFile(join(project, 'bundles', 'driver-update.yaml'), bundle(install));
    const site = lab.machines[0].site;
    const config = join(project, 'homeshift.yaml');
    await writeFile(config, `${await readFile(config, 'utf8')}sites:\n  ${site}: { timeZone: Europe/Berlin, disturb: { window: "18:00-07:00", whenLoggedOn: false } }\n`);
  });

  afterAll(async () => {
    await lab?.stop();
    await rm(base, { recursive: true, force: true });
  });

  interface Sweep { due: Record<string, number>; seen: string[]; deferred: { machine: string; reason: string }[]; runId: string | null }

  async function sweep(now: string): Promise<{ sweep: Sweep; steps: Map<string, { step: string; status: string; message: string | null }[]> }> {
    const r = await runCli(['-C', lab.projectDir, 'keep', '--once', '--format', 'json', '--probe-timeout', '2s', '--now', now]);
    expect(r.exitCode).toBe(0);
    const lines = String(r.stdout).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const steps = new Map<string, { step: string; status: string; message: string | null }[]>();
    for (const e of lines) if (e.kind === 'machine-finished') steps.set(e.result.machine, e.result.steps);
    return { sweep: lines.find((e) => e.kind === 'sweep'), steps };
  }

  const stepOf = (steps: { step: string; status: string; message: string | null }[] | undefined, id: string) => steps?.find((s) => s.step === id);
  const installed = (id: string) => existsSync(join(lab.machines.find((m) => m.id === id)!.root, ...marker));
  const restarts = async (id: string) => (await readFile(join(lab.machines.find((m) => m.id === id)!.root, RESTARTS_LOG), 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

  async function journal<T>(read: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>): Promise<T> {
    const store = await openSqliteStore(join(lab.projectDir, '.homeshift', 'journal.db'), { create: false });
    try {
      return await read(store);
    } finally {
      await store.close();
    }
  }

  test('outside the window the restart-needing package waits and everything else is applied; inside it waits for a logged-on user, then installs and restarts', async () => {
    const [a, b] = lab.machines.map((m) => m.id).sort();

    // outside the window: everything but the disturbing bundle is applied; no case, nothing failed
    const first = await sweep(OUTSIDE);
    expect(first.sweep.due['never-tried']).toBe(2);
    for (const id of [a, b]) {
      const steps = first.steps.get(id)!;
      expect(stepOf(steps, 'bundle:driver-update')).toMatchObject({ status: 'deferred', message: 'deferred: outside the window 18:00–07:00 Europe/Berlin' });
      expect(stepOf(steps, 'bundle:office-base')?.status).toBe('changed');
      expect(stepOf(steps, 'reboot')?.status).toBe('ok'); // nothing waits for a restart yet
      expect(installed(id)).toBe(false);
    }
    expect(await journal((s) => s.listCases({ status: 'open' }))).toEqual([]);
    const status = await runCli(['-C', lab.projectDir, 'status']);
    expect(status.stdout).toMatch(new RegExp(`deferred at \\S+ until 18:00 Europe/Berlin: 2 PC\\(s\\): ${a} \\(outside the window 18:00–07:00 Europe/Berlin\\)`));
    const html = join(base, 'report.html');
    expect((await runCli(['-C', lab.projectDir, 'report', '--html', html])).exitCode).toBe(0);
    const page = await readFile(html, 'utf8');
    expect(page).toContain('<h3>Deferred: 2 PCs</h3>');
    expect(page).toContain(`<code>${a}</code> (outside the window 18:00–07:00 Europe/Berlin)`);
    expect(page).toContain('<span class="badge deferred" title="outside the window 18:00–07:00 Europe/Berlin">');

    // still outside: the PCs stay due, but are left alone until the window opens
    const second = await sweep(OUTSIDE);
    expect(second.sweep.due.deferred).toBe(2);
    expect(second.sweep.seen).toEqual([]);
    expect(second.sweep.deferred.map((d) => d.machine).sort()).toEqual([a, b]);

    // inside the window, a user logged on to A: A waits, B is installed and restarted
    await setLoggedOn(lab.machines.find((m) => m.id === a)!.root, true);
    const third = await sweep(INSIDE);
    expect(third.sweep.seen.sort()).toEqual([a, b]);
    expect(stepOf(third.steps.get(a), 'bundle:driver-update')).toMatchObject({ status: 'deferred', message: 'deferred: user logged on' });
    expect(installed(a)).toBe(false);
    expect(stepOf(third.steps.get(b), 'bundle:driver-update')?.status).toBe('changed');
    expect(stepOf(third.steps.get(b), 'reboot')?.status).toBe('changed');
    expect(installed(b)).toBe(true);
    await waitFor(async () => (await restarts(b)) === 1);
    expect(await journal((s) => s.rebootPending())).toEqual([]);
    expect((await journal((s) => s.listDeferred())).map((d) => [d.machine, d.reason])).toEqual([[a, 'deferred: user logged on']]);

    // A's user logs off: the next sweep in the window installs and restarts it; nothing is left
    await setLoggedOn(lab.machines.find((m) => m.id === a)!.root, false);
    const fourth = await sweep(INSIDE);
    expect(fourth.sweep.due.deferred).toBe(1);
    expect(stepOf(fourth.steps.get(a), 'reboot')?.status).toBe('changed');
    await waitFor(async () => (await restarts(a)) === 1);
    expect(await journal((s) => s.listDeferred())).toEqual([]);
    expect(await journal((s) => s.rebootPending())).toEqual([]);
    const last = await sweep(INSIDE);
    expect(last.sweep.seen).toEqual([]); // converged
  }, 240_000);
});

/** The lab restarts a PC on its own time (a moment after the run): wait for its record, polling the PC's folder. */
async function waitFor(what: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the lab');
    await new Promise((done) => setTimeout(done, 100));
  }
}
