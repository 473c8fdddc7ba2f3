/**
 * The rollout on a real pseudo-terminal (tmux): confirmation with the counts, the live listr2 view with
 * wave and site counters, the final summary. And the same command on a pipe: refuses without --yes,
 * prints plain timestamped lines with it. The PCs are a lab of 40 served on loopback in this process.
 */
import { execa } from 'execa';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { layoutWaveSites } from '../../src/cli/progress-tty.js';
import { startLab, type Lab } from '../../src/lab/index.js';
import { BIN, runCli } from './run-cli.js';

const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const SESSION = `hs-tty-${process.pid}-${Date.now()}`;
const MACHINE_ID = /\b[A-Z]{3}-D\d{4}\b/;
const hasTmux = execa('tmux', ['-V'], { reject: false }).then((r) => r.exitCode === 0, () => false);

async function capture(history = false): Promise<string> {
  const args = ['capture-pane', '-p', '-t', SESSION, ...(history ? ['-S', '-'] : [])];
  const { stdout } = await execa('tmux', args);
  return stdout;
}

/** Polls the pane until `test` holds; the last pane is kept either way to explain a failure. */
async function waitForPane(what: string, test: (pane: string) => boolean, timeoutMs: number): Promise<string> {
  const until = Date.now() + timeoutMs;
  let pane = '';
  while (Date.now() < until) {
    pane = await capture();
    if (test(pane)) return pane;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; the pane shows:\n${pane}`);
}

const save = (name: string, text: string) => writeFile(join(ARTIFACTS, name), text);

test('the site subtasks of each wave follow the plan order cut by wave sizes', () => {
  expect(layoutWaveSites(['a', 'a', 'b', 'b', 'b', 'c'], [1, 3, 2])).toEqual([
    [{ site: 'a', size: 1 }],
    [{ site: 'a', size: 1 }, { site: 'b', size: 2 }],
    [{ site: 'b', size: 1 }, { site: 'c', size: 1 }],
  ]);
});

describe('rollout on a terminal and on a pipe', () => {
  let base: string;
  let lab: Lab;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    base = await mkdtemp(join(tmpdir(), 'hs-tty-'));
    lab = await startLab({ dir: join(base, 'lab'), machines: 40, sites: 3, faults: 'hang=1' });
  });

  afterAll(async () => {
    await execa('tmux', ['kill-session', '-t', SESSION], { reject: false });
    await lab?.stop();
    if (base) await rm(base, { recursive: true, force: true });
  });

  test('on a pipe without --yes it refuses, exits 1 and touches no PC', async () => {
    const before = lab.stats().connections;
    const run = await runCli(['-C', lab.projectDir, 'rollout', '--forks', '4'], { timeoutMs: 60_000 });
    await save('pipe-refused.txt', `exit ${run.exitCode}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}\n`);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('add --yes');
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(lab.stats().connections).toBe(before);
  });

  test('on a terminal: confirm with counts, live wave/site counters, then the summary', async () => {
    if (!(await hasTmux)) {
      console.warn('tmux is not installed: the terminal test is skipped (apt-get install -y tmux)');
      return;
    }
    const command = `'${process.execPath}' '${BIN}' -C '${lab.projectDir}' rollout --forks 4; echo "EXIT=$?"; sleep 30`;
    await execa('tmux', ['new-session', '-d', '-s', SESSION, '-x', '160', '-y', '50', command], { env: { ...process.env, NO_COLOR: '1' } });

    const question = await waitForPane('the confirmation', (p) => /Personalise these 40 PC\(s\) now\?/.test(p), 30_000);
    await save('tty-confirm.txt', question);
    expect(question).toMatch(/Roll out: 40 machine\(s\)/);
    expect(question).toMatch(/sites: (\S+ \d+(, )?){3}/);
    expect(question).toMatch(/profiles: \S+ \d+/);
    expect(question).toMatch(/os: linux 40/);
    expect(question).toMatch(/forks: 4\s+halt: never/);

    await execa('tmux', ['send-keys', '-t', SESSION, 'y', 'Enter']);
    const wave = /wave 1\/1\s+done (\d+)\/40\s+changed \d+\s+failed \d+\s+remaining ([1-9]\d*)\s+\d+\.\d machines\/s/;
    const site = /^\s+\S+ \S+\s+done \d+\/1[34]\s+changed \d+\s+failed \d+\s+remaining \d+/m;
    const siteLines = (p: string) => p.split('\n').filter((l) => site.test(l)).length;
    // listr2 may draw a frame before every concurrent site subtask has started: wait for a full frame.
    const live = await waitForPane('the live progress', (p) => wave.test(p) && siteLines(p) === 3 && Number(wave.exec(p)![1]) > 0, 30_000).finally(
      // whatever happens above, the run must end before the next test: its leases would make that test's PCs busy
      () => waitForPane('the end of the run', (p) => /EXIT=\d+/.test(p), 90_000),
    );
    await save('tty-progress.txt', live);
    expect(siteLines(live)).toBe(3); // one line per site, not one per PC
    expect(live).not.toMatch(MACHINE_ID);

    const final = await capture(true);
    await save('tty-final.txt', final);
    expect(final).toMatch(/wave 1\/1\s+done 40\/40\s+changed 39\s+failed 1\s+remaining 0/);
    expect(final).toMatch(/1 × failed \[timeout\] [^\n]*\n\s+what to do: A step ran past its time limit/); // the hung PC's cause and what to do, under its site
    expect(final).toMatch(/run \S+: 39 changed, 1 failed$/m); // non-zero counts only
    expect(final).toContain('Failures of this run by cause:');
    expect(final).toContain('EXIT=3');
    expect(final.match(/done 40\/40/g)).toHaveLength(1); // the final view is printed once, not swallowed or doubled
  }, 120_000);

  test('on a pipe with --yes it prints plain timestamped lines', async () => {
    const run = await runCli(['-C', lab.projectDir, 'rollout', '--forks', '4', '--yes'], { timeoutMs: 90_000 });
    await save('pipe-yes.txt', `exit ${run.exitCode}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}\n`);
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d run \S+: rolling out to 40 machine\(s\) in 1 wave\(s\)/m);
    expect(run.stdout).toMatch(/^\d\d:\d\d:\d\d wave 1 finished: 40 machine\(s\), 1 failed/m);
    expect(run.stdout).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏✔]/); // no live view on a pipe
    expect(run.exitCode).toBe(3);
  }, 120_000);
});
