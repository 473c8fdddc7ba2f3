import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installSimTools } from '../../src/lab/sim-tools.js';
import type { MachinePlan, PlannedFile, PlannedStep, Plan } from '../../src/model/plan.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { umaskFor } from '../../src/shell/posix-program.js';
import { buildFixtureProject } from '../plan/fixture.js';
import { runLinux, labMachine } from './run-helpers.js';


function customStep(id: string, files: PlannedFile[], vars: Record<string, string> = {}): PlannedStep {
  return { id, title: id, script: 'test/custom.sh', vars, files, secrets: [], checkOnly: false, timeout: 30 };
}

function withSteps(machine: MachinePlan, scripts: Plan['scripts'], text: string, steps: PlannedStep[]) {
  return { machine: { ...machine, steps }, scripts: { ...scripts, 'test/custom.sh': { hash: 'custom', text } } };
}

const bashAvailable = existsSync('/bin/bash');

describe('linux machine program under other POSIX shells', () => {
  (bashAvailable ? it : it.skip)('bash in POSIX mode: changes, then all ok, and a broken script fails only its step', async () => {
    const { machine, scripts } = await labMachine('hs-posix-');
    const first = await runLinux(machine, scripts, 'apply', 30000, 'bash --posix');
    expect(first.results.map((r) => r.status)).toEqual(['ok', 'ok', 'changed', 'changed', 'changed', 'changed', 'changed', 'changed']);
    const second = await runLinux(machine, scripts, 'apply', 30000, 'bash --posix');
    expect(second.results.map((r) => r.status)).toEqual(machine.steps.map(() => 'ok'));
    const broken = { ...scripts, 'linux/mailbox.sh': { hash: 'x', text: 'hs_check() { if then; }' } };
    const run = await runLinux(machine, broken, 'apply', 30000, 'bash --posix');
    expect(run.results.find((r) => r.step === 'mailbox')).toMatchObject({ status: 'failed', exitCode: 2 });
    expect(run.ended.complete).toBe(true);
  });
});

describe('file writes of the linux program', () => {
  it('lands exact bytes with the planned mode, through umask or chmod, and keeps the umask of the apply', async () => {
    const { root, machine, scripts } = await labMachine('hs-posix-');
    const text = "quote ' dollar $HOME %s back\\slash `x`\n\n\n";
    const files: PlannedFile[] = [
      { path: 'opt/a/b/private.conf', content: text, mode: '0600' },
      { path: 'opt/a/shared.conf', content: 'ümlaut\n', mode: '0644' },
      { path: 'opt/bin/tool', content: '#!/bin/sh\necho hi\n', mode: '0755' },
      { path: 'opt/nul.bin', content: 'a\0b\n', mode: '0640' },
      { path: 'opt/empty', content: '', mode: '0644' },
    ];
    const script = 'hs_check() { return 0; }\nhs_apply() { : >"${HS_ROOT%/}/opt/made-by-apply"; }\n';
    const custom = withSteps(machine, scripts, script, [customStep('files', files)]);
    const run = await runLinux(custom.machine, custom.scripts);
    expect(run.results.map((r) => [r.step, r.status, r.message])).toEqual([['files', 'changed', null]]);
    for (const file of files) {
      expect(readFileSync(join(root, file.path), 'utf8')).toBe(file.content);
      expect(statSync(join(root, file.path)).mode & 0o7777).toBe(parseInt(file.mode, 8));
    }
    const umask = process.umask();
    expect(statSync(join(root, 'opt/made-by-apply')).mode & 0o777).toBe(0o666 & ~umask);
    expect(execFileSync('find', [join(root, 'opt'), '-name', '*.hs-new.*']).toString()).toBe('');
    const again = await runLinux(custom.machine, custom.scripts);
    expect(again.results.map((r) => r.status)).toEqual(['ok']);
  });

  it('replaces a file that is a symlink by a plain file, and fails a step whose folder cannot be made', async () => {
    const { root, machine, scripts } = await labMachine('hs-posix-');
    execFileSync('/bin/sh', ['-c', `mkdir -p "$1/opt" && ln -s "$1/etc/hostname" "$1/opt/link" && : >"$1/blocker"`, 'sh', root]);
    const script = 'hs_check() { return 0; }\nhs_apply() { return 0; }\n';
    const custom = withSteps(machine, scripts, script, [
      customStep('link', [{ path: 'opt/link', content: 'mine\n', mode: '0644' }]),
      customStep('blocked', [{ path: 'blocker/inside.conf', content: 'x\n', mode: '0644' }]),
    ]);
    const run = await runLinux(custom.machine, custom.scripts);
    expect(run.results[0].status).toBe('changed');
    expect(lstatSync(join(root, 'opt/link')).isSymbolicLink()).toBe(false);
    expect(readFileSync(join(root, 'opt/link'), 'utf8')).toBe('mine\n');
    // the message is the failing command's own reason; the output names the file
    expect(run.results[1]).toMatchObject({ step: 'blocked', status: 'failed', message: expect.stringMatching(/^apply exited 1: mkdir: .*blocker.*File exists$/) });
    expect(run.results[1].stdoutTail).toBe('file /blocker/inside.conf differs from the plan\ncannot write /blocker/inside.conf\n');
  });

  it('makes every missing folder of a step, and keeps a step script\'s own umask for its apply', async () => {
    const { root, machine, scripts } = await labMachine('hs-posix-');
    const files: PlannedFile[] = [
      { path: 'opt/one/deep/a.conf', content: 'a\n', mode: '0600' },
      { path: 'opt/two/b.conf', content: 'b', mode: '0644' },
      { path: 'opt/one/deep/c.conf', content: 'c\n', mode: '0640' },
    ];
    const script = 'umask 027\nhs_check() { return 0; }\nhs_apply() { : >"${HS_ROOT%/}/opt/made-by-apply"; }\n';
    const custom = withSteps(machine, scripts, script, [customStep('folders', files)]);
    const run = await runLinux(custom.machine, custom.scripts);
    expect(run.results.map((r) => [r.status, r.message])).toEqual([['changed', null]]);
    for (const file of files) {
      expect(readFileSync(join(root, file.path), 'utf8')).toBe(file.content);
      expect(statSync(join(root, file.path)).mode & 0o7777).toBe(parseInt(file.mode, 8));
    }
    expect(statSync(join(root, 'opt/made-by-apply')).mode & 0o777).toBe(0o640);
  });

  it('writes no file of a step when one of its folders cannot be made, and names that file', async () => {
    const { root, machine, scripts } = await labMachine('hs-posix-');
    execFileSync('/bin/sh', ['-c', ': >"$1/blocker"', 'sh', root]);
    const script = 'hs_check() { return 0; }\nhs_apply() { return 0; }\n';
    const custom = withSteps(machine, scripts, script, [customStep('blocked', [
      { path: 'opt/fine/a.conf', content: 'a\n', mode: '0644' },
      { path: 'blocker/inside.conf', content: 'x\n', mode: '0644' },
      { path: 'opt/later.conf', content: 'l\n', mode: '0644' },
    ])]);
    const run = await runLinux(custom.machine, custom.scripts);
    expect(run.results[0]).toMatchObject({ status: 'failed', message: expect.stringMatching(/^apply exited 1: mkdir: .*blocker.*File exists$/) });
    expect(run.results[0].stdoutTail).toBe('file /opt/fine/a.conf differs from the plan\ncannot write /blocker/inside.conf\n');
    expect(existsSync(join(root, 'opt/fine/a.conf'))).toBe(false);
    expect(existsSync(join(root, 'opt/later.conf'))).toBe(false);
  });

  it('computes the umask only for modes without execute or special bits', () => {
    expect(umaskFor('0600')).toBe('177');
    expect(umaskFor('644')).toBe('133');
    expect(umaskFor('0640')).toBe('137');
    expect(umaskFor('0755')).toBe('');
    expect(umaskFor('4644')).toBe('');
    expect(umaskFor('u+rw')).toBe('');
  });
});

describe('output tails of the linux program', () => {
  it('sends the last 2 KiB of stdout and stderr, and nothing for a quiet step', async () => {
    const { root, machine, scripts } = await labMachine('hs-posix-');
    const script = [
      'hs_check() {',
      '  [ "$HS_LOUD" = 1 ] || return 0',
      '  i=0; while [ $i -lt 300 ]; do printf "line %04d of the report\\n" $i; i=$((i + 1)); done',
      '  echo "first problem" >&2; echo "last problem" >&2',
      '  return 1',
      '}',
      'hs_apply() { return 0; }',
    ].join('\n');
    const custom = withSteps(machine, scripts, script, [customStep('quiet', [], { HS_LOUD: '0' }), customStep('loud', [], { HS_LOUD: '1' })]);
    const run = await runLinux(custom.machine, custom.scripts, 'check');
    expect(run.results[0]).toMatchObject({ status: 'ok', stdoutTail: '', stderrTail: '' });
    expect(run.results[1]).toMatchObject({ status: 'would-change', stderrTail: 'first problem\nlast problem\n' });
    expect(Buffer.byteLength(run.results[1].stdoutTail)).toBe(2048);
    expect(run.results[1].stdoutTail.endsWith('line 0299 of the report\n')).toBe(true);

    // past 1000 lines the program sends only the last 2 KiB
    const long = withSteps(machine, scripts, script.replace('-lt 300', '-lt 5000'), [customStep('long', [], { HS_LOUD: '1' })]);
    const longRun = await runLinux(long.machine, long.scripts, 'check');
    expect(Buffer.byteLength(longRun.results[0].stdoutTail)).toBe(2048);
    expect(longRun.results[0].stdoutTail.endsWith('line 4999 of the report\n')).toBe(true);
    void root;
  });
});

describe('step durations of the linux program', () => {
  it('are the PC\'s own elapsed time, not the arrival of the markers', async () => {
    const { machine, scripts } = await labMachine('hs-posix-');
    const script = 'hs_check() { sleep 1; return 1; }\nhs_apply() { :; }\nhs_verify() { :; }';
    const custom = withSteps(machine, scripts, script, [customStep('slow', []), customStep('quick', [])]);
    // the whole output is parsed at once, so only the program's own clock can say how long a step took
    const run = await runLinux(custom.machine, custom.scripts);
    expect(run.results.map((r) => r.status)).toEqual(['changed', 'changed']);
    expect(run.results[0].durationMs).toBeGreaterThanOrEqual(1000);
    expect(run.stdin).toContain('/proc/uptime');
  });
});
