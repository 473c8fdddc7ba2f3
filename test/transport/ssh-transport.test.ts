import { execa } from 'execa';
import { writeFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { Socket } from 'node:net';
import { createSshTransport } from '../../src/transport/ssh-transport.js';
import { TransportError } from '../../src/transport/transport.js';
import {
  ensureUnprivilegedUser,
  killPids,
  listChildPids,
  listDescendantPids,
  SSHD_MISSING,
  sshdAvailable,
  startSshd,
  targetFor,
  UNPRIVILEGED_USER,
} from '../support/sshd.js';
import type { Sshd } from '../support/sshd.js';

const describeSshd = sshdAvailable() ? describe : describe.skip;
if (!sshdAvailable()) console.warn(SSHD_MISSING);

async function isRunning(pattern: string): Promise<boolean> {
  const { exitCode } = await execa('pgrep', ['-f', pattern], { reject: false });
  return exitCode === 0;
}

describeSshd('ssh transport against a real sshd', () => {
  let sshd: Sshd;
  let asUser: { user: string } | null = null;
  const transport = createSshTransport();

  beforeAll(async () => {
    sshd = await startSshd();
    if (await ensureUnprivilegedUser()) asUser = { user: UNPRIVILEGED_USER };
    else console.warn(`cannot create ${UNPRIVILEGED_USER}: timeouts are checked as root, where sshd ignores signals`);
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('runs commands with stdin and exit codes on one reused connection', async () => {
    const connection = await transport.connect(targetFor(sshd));
    try {
      const echoed = await connection.exec('cat; echo done >&2', { stdin: 'O\'Brien $(reboot) ÄÖü\n', timeoutMs: 15_000 });
      expect(echoed).toMatchObject({ exitCode: 0, signal: null, stdout: "O'Brien $(reboot) ÄÖü\n", stderr: 'done\n' });
      expect(echoed.timedOut).toBe(false);
      const failed = await connection.exec('exit 3', { timeoutMs: 15_000 });
      expect(failed.exitCode).toBe(3);
      const empty = await connection.exec('cat', { timeoutMs: 15_000 }); // stdin is closed even when none is given
      expect(empty).toMatchObject({ exitCode: 0, stdout: '' });
    } finally {
      await connection.close();
    }
  });

  it('decodes what a German Windows PC sends back: cp850 and cp1252 lines, CLIXML on stderr, characters split between packets', async () => {
    const connection = await transport.connect(targetFor(sshd));
    try {
      // printf with octal escapes: 0x81 (cp850 ü), 0xFC (cp1252 ü); the UTF-8 ü (0xC3 0xBC) is written in two packets
      const command = [
        "printf 'Zugriff verweigert f\\201r C:\\\\Users\\r\\n'",
        "printf 'Datei f\\374r Gro\\337e\\n'",
        "printf 'Gr\\303'; sleep 0.2; printf '\\274\\303\\237e\\n'",
        "printf 'native: start\\r\\n#< CLIXML\\r\\n<Objs Version=\"1.1.0.1\" xmlns=\"http://schemas.microsoft.com/powershell/2004/04\"><S S=\"Error\">Set-VpnConnection : Zugriff verweigert_x000D__x000A_</S></Objs>' >&2",
      ].join('; ');
      const result = await connection.exec(command, { timeoutMs: 15_000 });
      expect(result.stdout).toBe('Zugriff verweigert für C:\\Users\r\nDatei für Große\nGrüße\n');
      expect(result.stderr).toBe('native: start\r\nSet-VpnConnection : Zugriff verweigert\n');
    } finally {
      await connection.close();
    }
  });

  it('streams output as it arrives', async () => {
    // Each line waits for a file the test makes only once it has seen the line before: without streaming the
    // command could never end before its time limit.
    const dir = await mkdtemp(join(tmpdir(), 'hs-stream-'));
    await chmod(dir, 0o755);
    const connection = await transport.connect(targetFor(sshd));
    const texts: string[] = [];
    const seen = (text: string) => {
      texts.push(text);
      writeFileSync(join(dir, String(texts.length)), '');
    };
    const wait = (n: number) => `while [ ! -e '${join(dir, String(n))}' ]; do sleep 0.05; done`;
    const result = await connection.exec(`echo one; ${wait(1)}; echo two >&2; ${wait(2)}; echo three`, {
      timeoutMs: 30_000,
      onStdout: seen,
      onStderr: (text) => seen(`err:${text}`),
    });
    await connection.close();
    await rm(dir, { recursive: true, force: true });
    expect(result.timedOut).toBe(false);
    expect(texts.join('')).toBe('one\nerr:two\nthree\n');
    expect(result.stdout).toBe('one\nthree\n');
  });

  it('holds 50 concurrent connections', async () => {
    const connections = await Promise.all(Array.from({ length: 50 }, () => transport.connect(targetFor(sshd))));
    try {
      const results = await Promise.all(connections.map((c, i) => c.exec(`echo ${i}`, { timeoutMs: 30_000 })));
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });

  it('ends a hung command at its timeout and leaves no process behind', async () => {
    if (!asUser) return;
    const connection = await transport.connect(targetFor(sshd, asUser));
    const result = await connection.exec('sleep 100.4711', { timeoutMs: 500 });
    expect(result).toMatchObject({ timedOut: true, aborted: false, exitCode: null, signal: 'SIGKILL' });
    expect(result.durationMs).toBeLessThan(30_000); // far below the 100 s sleep: it was ended, not waited for
    const after = await connection.exec('echo still usable', { timeoutMs: 15_000 });
    expect(after.stdout).toBe('still usable\n');
    await connection.close();
    expect(await isRunning('sleep 100.4711')).toBe(false);
  });

  it('ends a whole command line on abort', async () => {
    if (!asUser) return;
    const connection = await transport.connect(targetFor(sshd, asUser));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const command = 'sleep 100.4712 & sleep 100.4712; echo never';
    const result = await connection.exec(command, { timeoutMs: 10_000, signal: controller.signal });
    expect(result).toMatchObject({ aborted: true, timedOut: false, exitCode: null, stdout: '' });
    await connection.close();
    expect(await isRunning('sleep 100.4712')).toBe(false);
  });

  it('still gives a timed-out result in a root session, where sshd refuses the signal', async () => {
    const connection = await transport.connect(targetFor(sshd));
    const result = await connection.exec('sleep 100.4714', { timeoutMs: 300 });
    expect(result).toMatchObject({ timedOut: true, exitCode: null });
    expect(result.durationMs).toBeLessThan(30_000); // far below the 100 s sleep
    killPids(await listDescendantPids(sshd.pid)); // what the root session left running
    await connection.close();
  });

  it('refuses a wrong client key as auth, not retryable', async () => {
    const error = await transport
      .connect(targetFor(sshd, { identityFile: `${sshd.dir}/host_key` }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    expect((error as Error).message).toMatch(/authentication failed for user/);
  });

  it('reports a missing identity file as auth with the path', async () => {
    const error = await transport.connect(targetFor(sshd, { identityFile: '/nonexistent/key' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', message: expect.stringContaining('/nonexistent/key') });
  });

  it('accepts the key in memory', async () => {
    const privateKey = await readFile(sshd.clientKeyFile);
    const connection = await transport.connect(targetFor(sshd, { identityFile: undefined, privateKey }));
    expect((await connection.exec('echo hi', { timeoutMs: 15_000 })).stdout).toBe('hi\n');
    await connection.close();
  });

  it('authenticates through ssh-agent ($SSH_AUTH_SOCK)', async () => {
    const socket = `${sshd.dir}/agent.sock`;
    const agent = execa('ssh-agent', ['-D', '-a', socket], { reject: false });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      for (let i = 0; i < 50 && (await execa('test', ['-S', socket], { reject: false })).exitCode !== 0; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      await execa('ssh-add', ['-q', sshd.clientKeyFile], { env: { SSH_AUTH_SOCK: socket } });
      process.env.SSH_AUTH_SOCK = socket;
      const connection = await transport.connect(targetFor(sshd, { identityFile: undefined, agent: true }));
      expect((await connection.exec('echo via agent', { timeoutMs: 15_000 })).stdout).toBe('via agent\n');
      await connection.close();
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill('SIGTERM');
      await agent;
    }
  });

  it('rejects the pending exec as unreachable when the sshd process serving it dies', async () => {
    const before = new Set(await listChildPids(sshd.pid));
    const connection = await transport.connect(targetFor(sshd));
    const session = (await listChildPids(sshd.pid)).filter((pid) => !before.has(pid));
    expect(session).toHaveLength(1);
    const chunks: string[] = [];
    const running = connection.exec('echo started; sleep 100.4713', { timeoutMs: 20_000, onStdout: (t) => chunks.push(t) });
    while (chunks.length === 0) await new Promise((r) => setTimeout(r, 20));
    const command = await listDescendantPids(session[0]);
    process.kill(session[0], 'SIGKILL');
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ errorClass: 'unreachable', retryable: true });
    expect(chunks.join('')).toBe('started\n');
    const next = await connection.exec('echo again', { timeoutMs: 1000 }).catch((e: unknown) => e);
    expect(next).toMatchObject({ errorClass: 'unreachable' });
    await connection.close();
    killPids(command); // the command the killed session left behind
  });
});

describe('ssh transport connect failures', () => {
  const transport = createSshTransport();
  const base = {
    id: 'PC-X',
    user: 'nobody',
    hostKeyPolicy: 'off' as const,
    connectTimeoutMs: 2000,
  };

  it('classifies a refused port as unreachable, retryable', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    await new Promise((r) => server.close(r));
    const error = await transport.connect({ ...base, host: '127.0.0.1', port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ errorClass: 'unreachable', retryable: true });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('classifies a silent listener as timeout, retryable', async () => {
    const sockets: Socket[] = [];
    const server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const error = await transport.connect({ ...base, host: '127.0.0.1', port, connectTimeoutMs: 300 }).catch((e: unknown) => e);
    sockets.forEach((s) => s.destroy());
    await new Promise((r) => server.close(r));
    expect(error).toMatchObject({ errorClass: 'timeout', retryable: true });
  });

  it('classifies a peer that hangs up before the handshake as unreachable', async () => {
    const server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    const error = await transport.connect({ ...base, host: '127.0.0.1', port }).catch((e: unknown) => e);
    await new Promise((r) => server.close(r));
    expect(error).toMatchObject({ errorClass: 'unreachable', retryable: true });
  });
});
