import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openSqliteStore } from '../../src/journal/index.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { BIN, runCli } from './run-cli.js';

/**
 * The done-when of keep, against a real lab: 20 PCs, 6 switched off, one parked. Keep runs as a real process;
 * the test waits for its output lines (events), never for fixed times.
 */
let base: string;
let lab: Lab;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'hs-keep-'));
  lab = await startLab({ dir: join(base, 'lab'), machines: 20, sites: 2, windows: '0', power: 'off=6' });
});

afterAll(async () => {
  await lab?.stop();
  await rm(base, { recursive: true, force: true });
});

interface Sweep { sweep: number; startedAt: string; seen: string[]; unseen: string[]; parked: string[]; runId: string | null }

test('offline PCs converge within a sweep of coming online, untouched parked PC, nothing escalates for being off', async () => {
  const off = lab.poweredOff();
  expect(off).toHaveLength(6);
  const parked = lab.machines.find((m) => !off.includes(m.id))!.id;
  const park = await runCli(['-C', lab.projectDir, 'case', 'park', parked, '--until', '2099-01-01', '--note', 'at repair']);
  expect(park.exitCode).toBe(0);
  expect(park.stdout).toMatch(/parked until 2099-01-01.*at repair/);

  const keeper = execa(process.execPath, [BIN, '-C', lab.projectDir, 'keep', '--every', '1s', '--probe-timeout', '1s', '--backoff-cap', '0s', '--format', 'json', '--forks', '8'], { env: { NO_COLOR: '1' }, reject: false, stdin: 'ignore' });
  const sweeps: Sweep[] = [];
  const finished = new Map<string, string>(); // machine -> status of its last result
  const waiters: (() => void)[] = [];
  createInterface({ input: keeper.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const event = JSON.parse(line);
    if (event.kind === 'sweep') sweeps.push(event);
    if (event.kind === 'machine-finished') finished.set(event.result.machine, event.result.status);
    for (const w of waiters.splice(0)) w();
  });
  const until = async (what: () => boolean) => {
    while (!what()) {
      if (keeper.exitCode !== null) throw new Error(`keep exited early: ${String((await keeper).stderr)}`);
      await new Promise<void>((done) => waiters.push(done));
    }
  };

  try {
    // sweeps report when their run ends, so a later sweep with nothing to run may report first
    await until(() => sweeps.some((s) => s.sweep === 1));
    const first = sweeps.find((s) => s.sweep === 1)!;
    expect(first.parked).toEqual([parked]);
    expect([...first.unseen].sort()).toEqual(off);
    expect(first.seen).toHaveLength(13);
    expect([...finished.values()].every((s) => s === 'changed')).toBe(true);
    expect(finished.has(parked)).toBe(false);
    const status = await runCli(['-C', lab.projectDir, 'status']);
    expect(status.stdout).toMatch(/offline at \S+: \d PC\(s\): \S+ \(not seen since /);
    expect(status.stdout).toContain(`parked: ${parked} until `);
    expect(status.stdout).toMatch(/: at repair \(by /);
    const json = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'])).stdout));
    expect(json.keep.notSeen.flatMap((s: { machines: { machine: string }[] }) => s.machines.map((m) => m.machine)).sort()).toEqual(off);

    for (const id of off) {
      lab.setPower([id], true);
      const on = new Date().toISOString();
      // a sweep that began before may have probed it still off; every sweep that began after must take it
      await until(() => finished.get(id) === 'changed');
      expect(sweeps.filter((s) => s.startedAt > on && s.unseen.includes(id)).map((s) => s.sweep)).toEqual([]);
    }
    await until(() => sweeps.at(-1)!.seen.length === 0 && sweeps.at(-1)!.unseen.length === 0);
  } finally {
    keeper.kill('SIGTERM');
  }
  const result = await keeper;
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toMatch(/keep: stopped \(SIGTERM\)/);

  const store = await openSqliteStore(join(lab.projectDir, '.homeshift', 'journal.db'));
  try {
    expect(await store.listCases({ status: 'open' })).toEqual([]); // nobody escalates or gets a case for being off
    const presence = await store.listPresence();
    for (const id of off) expect(presence.find((p) => p.machine === id)).toMatchObject({ unseenSince: null, misses: 0 });
    const results = await store.listRunMachines({});
    expect(results.filter((r) => r.machine === parked)).toEqual([]);
    for (const id of off) expect(results.filter((r) => r.machine === id).map((r) => [r.status, r.attempts])).toEqual([['changed', 1]]);
    expect(lab.stats().attempts[parked]).toBeUndefined(); // not even probed
  } finally {
    await store.close();
  }
}, 240_000);
