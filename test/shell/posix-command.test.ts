import { execa } from 'execa';
import { posixCommand } from '../../src/shell/posix-program.js';

describe('the linux command line', () => {
  it('runs the program from stdin under a deadline of its own, passing the exit code through', async () => {
    const command = posixCommand(1800);
    expect(command).toContain('timeout -k 10 1805');
    const ok = await execa('/bin/sh', ['-c', command], { input: 'echo "from stdin: $(echo ok)"\nexit 3\n', reject: false });
    expect(ok.stdout).toBe('from stdin: ok');
    expect(ok.exitCode).toBe(3);
  });

  it('ends a program that outlives its deadline', async () => {
    const started = Date.now();
    const hung = await execa('/bin/sh', ['-c', posixCommand(0)], { input: 'sleep 30\n', reject: false });
    expect(hung.exitCode).toBe(124); // timeout's own code
    expect(Date.now() - started).toBeLessThan(15000);
  }, 20000);
});
