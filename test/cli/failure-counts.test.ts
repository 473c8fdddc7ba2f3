/**
 * One rule for "failed": on a lab with a refused PC and a hung PC, the wave line, the periodic tally and the
 * summary line of a real rollout all count the same failures, and the summary shows only non-zero counts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { runCli } from './run-cli.js';

describe('failure counts agree between progress and summary', () => {
  let base: string;
  let lab: Lab;

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hs-counts-'));
    lab = await startLab({ dir: join(base, 'lab'), machines: 10, sites: 2, faults: 'offline=2,hang=1' });
  });

  afterAll(async () => {
    await lab?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('the wave line and the summary line say the same number failed', async () => {
    const run = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--forks', '4', '--retries', '0'], { timeoutMs: 90_000 });
    const wave = /wave 1 finished: 10 machine\(s\), (\d+) failed/.exec(String(run.stdout));
    const summary = /^run \S+: (.*)$/m.exec(String(run.stdout));
    expect(wave).not.toBeNull();
    expect(summary).not.toBeNull();
    expect(Number(wave![1])).toBe(3);
    expect(summary![1]).toBe('7 changed, 3 failed (2 unreachable)');
    expect(summary![1]).not.toMatch(/\b0 /); // only non-zero counts
    expect(run.stdout).toMatch(/done \(7 changed, 3 failed \(2 unreachable\)\)/); // the final tally, in the same words
    expect(run.exitCode).toBe(3);
  }, 120_000);
});
