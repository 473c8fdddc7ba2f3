/**
 * The failure threshold really stops later waves (exit 4), and Ctrl-C on a real rollout process starts no new
 * machines, lets the running ones finish, exits 130, and leaves the run for --resume.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BIN, machineResults, runCli } from './run-cli.js';

describe('waves, threshold and interrupts', () => {
  let dir: string;
  const labs: Lab[] = [];
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'homeshift-waves-')); });
  afterAll(async () => {
    for (const lab of labs) await lab.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a failed canary wave halts the run: exit 4, later waves never start', async () => {
    const lab = await startLab({ dir: join(dir, 'halt'), machines: 20, sites: 1, faults: 'fail-mailbox=50%' });
    labs.push(lab);
    const firstFaulty = lab.machines.findIndex((m) => m.fault);
    expect(firstFaulty).toBeGreaterThanOrEqual(0);
    expect(firstFaulty).toBeLessThan(8);
    const canary = firstFaulty + 1;
    const run = await runCli(['-C', lab.projectDir, 'rollout', '--yes', '--json', '--waves', `${canary},100%`, '--max-failures', '10%']);
    expect(run.exitCode).toBe(4);
    const results = machineResults(String(run.stdout));
    expect(results.map((r) => r.machine).sort()).toEqual(lab.machines.slice(0, canary).map((m) => m.id).sort());
    const events = String(run.stdout).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    expect(events.filter((e) => e.kind === 'wave-started').map((e) => e.wave)).toEqual([1]);
    expect(events.some((e) => e.kind === 'run-halted')).toBe(true);
    const status = JSON.parse(String((await runCli(['-C', lab.projectDir, 'status', '--format', 'json'])).stdout));
    expect(status.totals.unfinished).toBe(20 - canary); // a halted run waits for rollout --resume
  });

  it('Ctrl-C starts no new machines, finishes the running ones, exits 130; --resume does the rest', async () => {
    const lab = await startLab({ dir: join(dir, 'sigint'), machines: 30, sites: 2 });
    labs.push(lab);
    const child = execa(process.execPath, [BIN, '-C', lab.projectDir, 'rollout', '--yes', '--json', '--forks', '2'], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
    let seen = 0;
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        seen += (String(chunk).match(/"machine-finished"/g) ?? []).length;
        if (seen >= 3) resolve();
      });
    });
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(130);
    const results = machineResults(String(run.stdout));
    expect(results.length).toBeGreaterThanOrEqual(3);
    expect(results.length).toBeLessThan(30);
    expect(results.every((r) => r.status === 'changed')).toBe(true); // in-flight machines finished normally
    expect(String(run.stderr)).toMatch(/rollout --resume/);

    const resumed = await runCli(['-C', lab.projectDir, 'rollout', '--resume', '--yes', '--json']);
    expect(resumed.exitCode).toBe(0);
    const rest = machineResults(String(resumed.stdout));
    expect(rest.length + results.length).toBe(30);
    expect(new Set([...rest, ...results].map((r) => r.machine)).size).toBe(30);
  });

  it('a second Ctrl-C ends the running commands at once: those machines end as interrupted', async () => {
    const lab = await startLab({ dir: join(dir, 'twice'), machines: 4, sites: 1, faults: 'hang=4' });
    labs.push(lab);
    const started = Date.now();
    const child = execa(process.execPath, [BIN, '-C', lab.projectDir, 'rollout', '--yes', '--json', '--forks', '2'], { reject: false, env: { NO_COLOR: '1' }, stdin: 'ignore' });
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += String(chunk);
        if ((out.match(/"run-started"/g) ?? []).length) resolve();
      });
    });
    await new Promise((r) => setTimeout(r, 1000)); // both forks are inside a hung command now
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const run = await child;
    expect(run.exitCode).toBe(130);
    expect(Date.now() - started).toBeLessThan(12000); // well before the 15 s step timeout
    const results = machineResults(String(run.stdout));
    expect(results.map((r) => [r.status, r.errorClass])).toEqual([['interrupted', 'interrupted'], ['interrupted', 'interrupted']]);
  });
});

