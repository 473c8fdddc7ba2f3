/**
 * Honest exit codes, as a user meets them on a lab served on loopback: a rollout whose reader goes away is
 * recorded as interrupted and exits 130 with one line on stderr, and status names the run and how to finish it;
 * selectors and filters that name nothing exit 1 with suggestions; a --cause must name exactly one open cause.
 */
import { execa } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BIN, runCli } from './run-cli.js';

/** JSON output without the fields that follow the clock (two commands run a moment apart). */
const timeless = (json: string) => JSON.stringify(JSON.parse(json), (key, value) => (['now', 'age', 'ageMs'].includes(key) ? undefined : value));

describe('exit codes', () => {
  let base: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 90_000 });

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hs-exit-'));
    lab = await startLab({ dir: join(base, 'lab'), machines: 20, sites: 2, faults: 'offline=4,auth=1,hostkey=1' });
  });

  afterAll(async () => {
    await lab?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('selectors that name no site or machine exit 1 with what was meant, touching no PC', async () => {
    const before = lab.stats().connections;
    const plan = await cli('plan', '--limit', 'site=nosuchsite');
    expect(plan.exitCode).toBe(1);
    expect(plan.stderr).toMatch(/--limit: invalid selector "site=nosuchsite" at column 1: no site matches nosuchsite; did you mean /);
    const rollout = await cli('rollout', '--yes', '--limit', 'XYZ-*');
    expect(rollout.exitCode).toBe(1);
    expect(rollout.stderr).toMatch(/no machine id matches XYZ-\*; did you mean [A-Z]{3}-\*/);
    // Parts that each name something but have no machine in common: one site with the other site's machines.
    const ids = lab.machines.map((m) => m.id);
    const first = lab.machines[0];
    const other = lab.machines.find((m) => m.site !== first.site)!;
    expect(ids.length).toBeGreaterThan(1);
    const apart = await cli('rollout', '--yes', '--limit', `site=${first.site},${other.id.slice(0, 4)}*`);
    expect(apart.exitCode).toBe(1);
    expect(apart.stderr).toMatch(/selects no machine: its parts name machines, but none has them all/);
    expect(lab.stats().connections).toBe(before);
  });

  test('a rollout whose reader goes away is interrupted, exits 130 with one line, and status says how to finish it', async () => {
    const shell = `'${process.execPath}' '${BIN}' -C '${lab.projectDir}' rollout --yes --forks 2 | head -1; echo "EXIT=\${PIPESTATUS[0]}" >&2`;
    const run = await execa('bash', ['-c', shell], { env: { ...process.env, NO_COLOR: '1' }, reject: false, timeout: 90_000 });
    const stderr = String(run.stderr).trim().split('\n');
    expect(stderr.at(-1)).toBe('EXIT=130');
    expect(stderr.slice(0, -1)).toEqual([expect.stringMatching(/^homeshift: output closed: run (\S+) interrupted; finish it with homeshift rollout --resume$/)]);
    const runId = /run (\S+) interrupted/.exec(stderr[0])![1];
    expect(String(run.stdout).split('\n').filter(Boolean)).toHaveLength(1);

    const status = await cli('status');
    expect(status.stdout).toContain(runId);
    expect(status.stdout).toContain('homeshift rollout --resume');

    const resumed = await cli('rollout', '--resume', '--yes');
    expect(resumed.stderr).toContain(`resuming run ${runId}`);
    expect(resumed.exitCode).toBe(3); // the faulty PCs fail; every other PC is done
  });

  test('rerun: an unknown site or cause exits 1 with suggestions, an ambiguous cause lists its matches', async () => {
    const site = await cli('rerun', '--yes', '--site', 'bruhl');
    expect(site.exitCode).toBe(1);
    expect(site.stderr).toMatch(/--site: no site bruhl; did you mean bruehl/);
    const unknown = await cli('rerun', '--yes', '--cause', 'deadbeef');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toMatch(/--cause deadbeef: no open case has this cause; did you mean /);
    const ambiguous = await cli('rerun', '--yes', '--cause', 'auth');
    expect(ambiguous.exitCode).toBe(1);
    expect(ambiguous.stderr).toMatch(/--cause auth matches 2 causes; name one of them:\n {2}auth:[0-9a-f]{8}\n {2}auth:[0-9a-f]{8}$/);
  });

  test('--json is --format json on every reading command; both at once is a usage error', async () => {
    for (const args of [['validate'], ['plan', '--limit', 'BRU-*'], ['status'], ['errors', '--group'], ['log', 'BRU-D0001']]) {
      const alias = await cli(...args, '--json');
      const long = await cli(...args, '--format', 'json');
      expect(alias.exitCode).toBe(long.exitCode);
      expect(timeless(String(alias.stdout))).toBe(timeless(String(long.stdout)));
    }
    const both = await cli('errors', '--json', '--format', 'csv');
    expect(both.exitCode).toBe(1);
    expect(both.stderr).toContain('--json and --format csv ask for two formats: choose one');
  });
});
