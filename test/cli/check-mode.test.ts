/** rollout --check runs only the read-only checks: it reports what would change, changes nothing, opens no case. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

describe('reading commands before the first rollout', () => {
  it('status shows every machine as never tried, errors none, and no journal file appears', async () => {
    const project = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'service-center');
    const status = await runCli(['-C', project, 'status', '--format', 'json']);
    expect(status.exitCode).toBe(0);
    expect(JSON.parse(String(status.stdout)).totals).toMatchObject({ machines: 300, neverTried: 300, open: 0 });
    const errors = await runCli(['-C', project, 'errors', '--group', '--format', 'json']);
    expect(JSON.parse(String(errors.stdout)).groups).toEqual([]);
    expect(existsSync(join(project, '.homeshift'))).toBe(false);
  });
});
