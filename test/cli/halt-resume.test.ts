/**
 * Halts that can be continued: the failure threshold measures the PCs reached (PCs switched off count apart, against
 * --max-unreachable), a halted run says so and prints the command that continues it, and that command finishes it.
 */
import { rm } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { machineResults, runCli } from './run-cli.js';

describe('halts that can be continued', () => {
  let dir: string;
  const labs: Lab[] = [];
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'homeshift-halt-')); });
  afterAll(async () => {
    for (const lab of labs) await lab.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('PCs switched off do not halt a healthy batch; --max-unreachable halts on them when asked', async () => {
    const lab = await startLab({ dir: join(dir, 'offline'), machines: 12, sites: 1, faults: 'offline=4' });
    labs.push(lab);
    const healthy = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--retries', '0', '--waves', '4,100%', '--max-failures', '10%']);
    expect(healthy.exitCode).toBe(3); // unreachable PCs are open cases, not a halt
    expect(String(healthy.stdout)).not.toMatch(/halted/);
    expect(String(healthy.stdout)).toMatch(/4 unreachable/);

    const strict = await runCli(['-C', lab.projectDir, 'rerun', '--yes', '--json', '--retries', '0', '--waves', '2,100%', '--max-unreachable', '1']);
    expect(strict.exitCode).toBe(4);
    const halted = String(strict.stdout).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l)).find((e) => e.kind === 'run-halted');
    expect(halted.halt).toMatchObject({ by: 'unreachable', threshold: '1 PC' });
    expect(String(strict.stderr)).toMatch(/PCs tried were unreachable \(threshold 1 PC\)/);
  });

  it('a halted run says "halted", names its not-started PCs, and the printed command finishes every PC', async () => {
    const lab = await startLab({ dir: join(dir, 'halt'), machines: 16, sites: 2, faults: 'fail-mailbox=25%' });
    labs.push(lab);
    const canary = lab.machines.findIndex((m) => m.fault) + 1;
    expect(canary).toBeGreaterThan(0);
    const run = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--forks', '4', '--waves', `${canary},100%`, '--max-failures', '10%']);
    expect(run.exitCode).toBe(4);
    const text = String(run.stdout);
    expect(text).toMatch(new RegExp(`halted after wave 1: 1 of ${canary} reached PCs failed \\(threshold 10%\\)`));
    expect(text).toMatch(new RegExp(`${16 - canary} not started \\(halted\\)`));
    const command = /continue the run with:\n {2}(homeshift .*)/.exec(text)?.[1];
    expect(command).toBe(`homeshift -C ${lab.projectDir} rollout --resume --yes --forks 4 --waves ${canary},100% --max-failures 10%`);

    const waiting = lab.machines[canary].id;
    expect(String((await runCli(['-C', lab.projectDir, 'log', waiting])).stdout)).toMatch(/not started \(halted\)/);
    const status = String((await runCli(['-C', lab.projectDir, 'status'])).stdout);
    expect(status).toMatch(/halted by the failure threshold/);
    expect(status).toMatch(/homeshift rollout --resume/);

    // the cause is fixed on every PC; the printed command continues the same run
    for (const m of lab.machines) await rm(join(m.root, '.sim', 'fail'), { recursive: true, force: true });
    const resumed = await runCli([...command!.split(' ').slice(1), '--json']);
    expect(resumed.exitCode).toBe(0);
    expect(String(resumed.stderr)).toMatch(/resuming run/);
    const rest = machineResults(String(resumed.stdout));
    expect(rest).toHaveLength(16 - canary);
    expect(rest.every((r) => r.status === 'changed')).toBe(true);
    const after = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'])).stdout));
    expect(after.totals.neverTried).toBe(0);
    expect(after.runs ?? []).toEqual([]);
    const again = await runCli(['-C', lab.projectDir, 'rollout', '--resume', '--yes']);
    expect(again.exitCode).toBe(1); // nothing left to resume
  });
});
