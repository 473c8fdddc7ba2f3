import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalTransport } from '../../src/transport/local-transport.js';
import type { Connection, Target } from '../../src/transport/transport.js';

const target: Target = {
  id: 'control',
  host: 'ignored.invalid',
  port: 22,
  user: 'ignored',
  hostKeyPolicy: 'strict',
  connectTimeoutMs: 1000,
};

async function isRunning(pattern: string): Promise<boolean> {
  return (await execa('pgrep', ['-f', pattern], { reject: false })).exitCode === 0;
}

describe('local transport', () => {
  let connection: Connection;
  beforeAll(async () => {
    connection = await createLocalTransport().connect(target);
  });
  afterAll(() => connection.close());

  it('runs a shell command line with stdin and exit codes', async () => {
    const result = await connection.exec('read line; printf "%s|" "$line"; echo err >&2; exit 4', {
      stdin: "O'Brien $(reboot) ÄÖü\n",
      timeoutMs: 5000,
    });
    expect(result).toMatchObject({
      exitCode: 4,
      signal: null,
      stdout: "O'Brien $(reboot) ÄÖü|",
      stderr: 'err\n',
      timedOut: false,
      aborted: false,
    });
    expect((await connection.exec('cat', { timeoutMs: 5000 })).stdout).toBe('');
  });

  it('streams output as it arrives', async () => {
    // The command waits for a file that the test creates only once it has seen the first line: without streaming
    // the command would never end before its time limit.
    const dir = await mkdtemp(join(tmpdir(), 'hs-stream-'));
    const go = join(dir, 'go');
    const seen: string[] = [];
    const result = await connection.exec(`echo one; while [ ! -e '${go}' ]; do sleep 0.05; done; echo two`, {
      timeoutMs: 30_000,
      onStdout: (text) => {
        if (seen.length === 0) writeFileSync(go, '');
        seen.push(text);
      },
    });
    await rm(dir, { recursive: true, force: true });
    expect(result.timedOut).toBe(false);
    expect(seen.join('')).toBe('one\ntwo\n');
  });

  it('ends a hung command line at its timeout, children included', async () => {
    const result = await connection.exec('sleep 100.5511 & sleep 100.5511; echo never', { timeoutMs: 300 });
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGTERM', stdout: '' });
    expect(result.durationMs).toBeLessThan(30_000); // far below the 100 s sleep: it was ended, not waited for
    await new Promise((r) => setTimeout(r, 100));
    expect(await isRunning('sleep 100.5511')).toBe(false);
  });

  it('ends a command on abort, and does not start one already aborted', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await connection.exec('sleep 100.5512', { timeoutMs: 10_000, signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null });
    expect(await isRunning('sleep 100.5512')).toBe(false);
    const never = await connection.exec('echo ran', { timeoutMs: 1000, signal: controller.signal });
    expect(never).toMatchObject({ aborted: true, stdout: '' });
  });

  it('refuses execs after close', async () => {
    const closed = await createLocalTransport().connect(target);
    await closed.close();
    await expect(closed.exec('true', { timeoutMs: 1000 })).rejects.toMatchObject({ errorClass: 'internal' });
  });
});
