/**
 * status reads the journal and the inventory; it takes each machine's plan hash without rendering (for stale
 * machines), and an invalid repository does not stop it: the journal's state is shown, with one warning line.
 * The journal is a real SQLite file, written through the store as a run writes it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { journalSucceededRun } from '../support/succeeded-run.js';
import { generateFleet } from '../../src/lab/generate.js';
import { buildPlan } from '../../src/plan/index.js';
import { runCli } from './run-cli.js';

let dir: string;
const cli = (...args: string[]) => runCli(['-C', dir, ...args]);

/** Machines AAC-D0001..6 succeeded; AAC-D0006 with a plan that differs from today's (stale). */
async function writeJournal(): Promise<void> {
  const loaded = await loadProject({ projectDir: dir });
  const plan = buildPlan(loaded.project!);
  const done = plan.machines.slice(0, 6).map((m, i) => ({ id: m.machine.id, site: m.machine.site, hash: i === 5 ? 'an-older-plan' : m.hash }));
  await journalSucceededRun(path.join(dir, '.homeshift', 'journal.db'), { id: '20261120-080000-st01', planHash: plan.hash, at: '2026-11-20T08:00:00.000Z' }, done);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hs-status-'));
  await generateFleet(dir, { machines: 40, sites: 2 });
  await writeJournal();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('status finds the stale machine by its plan hash, without a warning', async () => {
  const status = await cli('status', '--format', 'json');
  expect(status.exitCode).toBe(0);
  expect(status.stderr).toBe('');
  const totals = JSON.parse(String(status.stdout)).totals;
  expect(totals).toMatchObject({ machines: 40, done: 5, stale: 1, open: 0, neverTried: 34 });
});

test('status on an invalid repository shows the journal with one warning line; errors --group needs no inventory', async () => {
  const inventory = path.join(dir, 'inventory', fs.readdirSync(path.join(dir, 'inventory')).sort()[0]);
  const before = fs.readFileSync(inventory, 'utf8');
  try {
    fs.writeFileSync(inventory, `${before}  - { id: AAC-D9999, host: aac-d9999.sc.example-telco.de, os: linux, user: e999999, role: hotline-agent }\n`);
    expect((await cli('validate')).exitCode).toBe(2);
    const status = await cli('status', '--format', 'json');
    expect(status.exitCode).toBe(0);
    const warning = String(status.stderr).trimEnd().split('\n');
    expect(warning).toEqual([expect.stringMatching(/^homeshift: warning: stale detection skipped: 1 error\(s\) in the rollout repository \(run homeshift validate\)/)]);
    const report = JSON.parse(String(status.stdout));
    expect(report.totals).toMatchObject({ machines: 6, done: 6, stale: 0, open: 0 });
    const text = await cli('status');
    expect(text.exitCode).toBe(0);
    const limited = await cli('status', '--limit', 'site=aachen');
    expect(limited.exitCode).toBe(2);
    expect(limited.stderr).toMatch(/1 error\(s\) in the rollout repository \(run homeshift validate\): --limit needs a valid inventory; nothing was read/);
    const errors = await cli('errors', '--group');
    expect(errors.exitCode).toBe(0);
    expect(errors.stderr).toBe('');
  } finally {
    fs.writeFileSync(inventory, before);
  }
});

test('status with a broken homeshift.yaml still stops with exit 2: it does not say where the journal is', async () => {
  const file = path.join(dir, 'homeshift.yaml');
  const before = fs.readFileSync(file, 'utf8');
  try {
    fs.writeFileSync(file, `${before}\nescalateAfter: [not, a, duration]\n`);
    const status = await cli('status');
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toMatch(/homeshift\.yaml:\d+:\d+/);
  } finally {
    fs.writeFileSync(file, before);
  }
});
