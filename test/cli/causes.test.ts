/**
 * Causes as people read them, on a lab whose PCs drop the connection mid-program: however many steps the drops
 * cut, they are one cause, with the same fingerprint for each PC from run to run; every place that shows the
 * cause shows a concrete example message and what to do.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/index.js';
import { pwshAvailable } from '../support/pwsh.js';
import { runCli } from './run-cli.js';

interface Case { machine: string; fingerprint: string; message: string; whatToDo: string }
interface Group { count: number; errorClass: string; fingerprint: string; example: string; cause: string; whatToDo: string; who: string }

describe('causes for people', () => {
  let base: string;
  let lab: Lab;
  const cli = (...args: string[]) => runCli(['-C', lab.projectDir, ...args], { timeoutMs: 120_000 });
  const fingerprints = async () => {
    const list = JSON.parse(String((await cli('errors', '--json')).stdout)) as { cases: Case[] };
    return new Map(list.cases.map((c) => [c.machine, { fingerprint: c.fingerprint, message: c.message }]));
  };

  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'hs-causes-'));
    lab = await startLab({ dir: join(base, 'lab'), machines: 12, sites: 2, faults: 'drop=10', windows: pwshAvailable() ? '3' : '0' });
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('ten dropped connections are one cause, stable per PC from run to run, shown with an example and what to do', async () => {
    const first = await cli('rollout', '--yes', '--forks', '12');
    expect(first.exitCode).toBe(3);
    // the run summary: the example first, its class, key and pattern second, then what to do
    expect(first.stdout).toMatch(/\n {3}10 {2}\S+: connection lost before the machine program ended\n {7}unreachable {2}unreachable:[0-9a-f]{8} {2}.*\n {7}what to do \(site\): Connection dropped while the PC was worked on/);
    const before = await fingerprints();
    expect(before.size).toBe(10);
    expect(new Set([...before.values()].map((c) => c.fingerprint)).size).toBe(1);

    const grouped = JSON.parse(String((await cli('errors', '--group', '--json')).stdout)) as { groups: Group[] };
    expect(grouped.groups).toHaveLength(1);
    expect(grouped.groups[0]).toMatchObject({
      count: 10, errorClass: 'unreachable', fingerprint: expect.stringMatching(/^unreachable:[0-9a-f]{8}$/),
      example: expect.stringMatching(/^\S+: connection lost before the machine program ended/), whatToDo: expect.stringMatching(/^Connection dropped/), who: 'site',
    });

    const second = await cli('rollout', '--yes', '--forks', '12');
    expect(second.exitCode).toBe(3);
    const after = await fingerprints();
    expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
    const moved = [...after].filter(([machine, c]) => c.fingerprint !== before.get(machine)!.fingerprint);
    expect(moved.map(([machine, c]) => `${machine} ${c.fingerprint} ${c.message}`)).toEqual([]); // names the message of any PC whose cause moved

    const status = await cli('status');
    expect(status.stdout).toMatch(/What to do\n {2}Connection dropped while the PC was worked on .*\(site: [A-Z]{3}-D\d{4} /);
    const errors = await cli('errors');
    expect(errors.stdout).toMatch(/fingerprint +message\n/);
    expect(errors.stdout).toMatch(/What to do\n {2}Connection dropped/);
  }, 300_000); // two rollouts and six commands; the machine is shared
});
