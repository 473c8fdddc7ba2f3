/**
 * Faults through the lab, journal and CLI in fresh processes: causes group with the right counts, a re-run by cause
 * closes exactly those cases, and once every fault heals `rerun --failed` brings the fleet to 100% ok.
 */
import { rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { machineResults, runCli } from './run-cli.js';

interface Group { fingerprint: string; errorClass: string; count: number; machines: string[] }

async function groups(projectDir: string): Promise<Group[]> {
  const r = await runCli(['-C', projectDir, 'errors', '--group', '--format', 'json']);
  expect(r.exitCode).toBe(0);
  const parsed = JSON.parse(String(r.stdout));
  return parsed.groups as Group[];
}

describe('cases from lab faults', () => {
  let dir: string;
  const labs: Lab[] = [];
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'homeshift-cases-')); });
  afterAll(async () => {
    for (const lab of labs) await lab.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('errors --group counts each cause; rerun --failed --cause closes exactly those cases', async () => {
    const lab = await startLab({ dir: join(dir, 'a'), machines: 16, sites: 2, faults: 'fail-mailbox=3:heal=1,disk-full=2' });
    labs.push(lab);
    const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json']);
    expect(first.exitCode).toBe(3);
    const before = await groups(lab.projectDir);
    expect(before.map((g) => [g.errorClass, g.count]).sort()).toEqual([['step-failed', 2], ['step-failed', 3]]);
    const mailboxIds = lab.machines.filter((m) => m.fault?.kind === 'fail-mailbox').map((m) => m.id).sort();
    const mailbox = before.find((g) => g.count === 3)!;
    expect([...mailbox.machines].sort()).toEqual(mailboxIds);
    expect(mailbox.fingerprint).toMatch(/^step-failed:mailbox:[0-9a-f]{8}$/);

    const rerun = await runCli(['-C', lab.projectDir, 'rerun', '--failed', '--cause', mailbox.fingerprint, '--yes', '--json']);
    if (rerun.exitCode !== 0) console.log(rerun.stderr, rerun.stdout);
    expect(machineResults(String(rerun.stdout)).map((r) => [r.machine, r.status]).sort()).toEqual(mailboxIds.map((id) => [id, 'changed']));
    expect(rerun.exitCode).toBe(0);
    const after = await groups(lab.projectDir);
    expect(after.map((g) => g.count)).toEqual([2]);

    const status = await runCli(['-C', lab.projectDir, 'status', '--format', 'json']);
    const report = JSON.parse(String(status.stdout));
    expect(report.totals).toMatchObject({ machines: 16, open: 2, done: 14 });
  });

  it('every fault kind lands in its class; after healing, rerun --failed brings the fleet to 100% ok', async () => {
    const lab = await startLab({
      dir: join(dir, 'b'), machines: 20, sites: 2,
      faults: 'auth=1:heal=1,hostkey=1:heal=1,drop=1:heal=1,hang=1:heal=1,fail-mailbox=1:heal=1,disk-full=1:heal=1,unencrypted=1:heal=1',
    });
    labs.push(lab);
    const first = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--retries', '0']);
    if (first.exitCode !== 3) console.log(first.stderr);
    expect(first.exitCode).toBe(3);
    const byId = new Map(machineResults(String(first.stdout)).map((r) => [r.machine, r]));
    const expected: Record<string, [string, string]> = {
      auth: ['failed', 'auth'], hostkey: ['failed', 'auth'], drop: ['unreachable', 'unreachable'], hang: ['failed', 'timeout'],
      'fail-mailbox': ['failed', 'step-failed'], 'disk-full': ['failed', 'step-failed'], unencrypted: ['failed', 'step-failed'],
    };
    for (const m of lab.machines) {
      const r = byId.get(m.id)!;
      if (m.fault) expect([m.fault.kind, r.status, r.errorClass]).toEqual([m.fault.kind, ...expected[m.fault.kind]]);
      else expect([m.id, r.status]).toEqual([m.id, 'changed']);
    }
    const rerun = await runCli(['-C', lab.projectDir, 'rerun', '--failed', '--yes', '--json']);
    expect(rerun.exitCode).toBe(0);
    expect(machineResults(String(rerun.stdout))).toHaveLength(7);
    const status = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'])).stdout));
    expect(status.totals).toMatchObject({ machines: 20, done: 20, open: 0 });
  });
});
