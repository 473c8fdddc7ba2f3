/** rollout --check runs only the read-only checks: it reports what would change, changes nothing, opens no case. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { machineResults, runCli } from './run-cli.js';

describe('rollout --check', () => {
  let dir: string;
  let lab: Lab;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'homeshift-check-'));
    lab = await startLab({ dir: join(dir, 'lab'), machines: 6, sites: 1 });
  });
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reports would-change before a rollout and ok after it, writing nothing itself', async () => {
    const before = await runCli(['-C', lab.projectDir, 'rollout', '--check', '--json']); // no --yes needed: read-only
    expect(before.exitCode).toBe(0);
    expect(machineResults(String(before.stdout)).map((r) => r.status)).toEqual(Array(6).fill('would-change'));
    const vpn = (root: string) => join(root, 'etc/NetworkManager/system-connections/homeshift-vpn.nmconnection');
    expect(lab.machines.some((m) => existsSync(vpn(m.root)))).toBe(false);
    const errors = JSON.parse(String((await runCli(['-C', lab.projectDir, 'errors', '--format', 'json'])).stdout));
    expect(errors.cases).toEqual([]);

    expect((await runCli(['-C', lab.projectDir, 'rollout', '--yes'])).exitCode).toBe(0);
    const after = await runCli(['-C', lab.projectDir, 'rollout', '--check', '--json']);
    expect(machineResults(String(after.stdout)).map((r) => r.status)).toEqual(Array(6).fill('ok'));
  });
});
