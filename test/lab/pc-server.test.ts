import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { generateEd25519 } from '../../src/transport/key-pair.js';
import { createCounters } from '../../src/lab/lab-stats.js';
import { PcServer, type FleetContext } from '../../src/lab/pc-server.js';
import { createVerifier } from '../../src/lab/ssh-keys.js';
import type { AssignedFault } from '../../src/lab/faults.js';
import { connect, isAlive, open, run, waitFor } from './ssh-client.js';

const clientKeys = generateEd25519();
let base: string;
let fleet: FleetContext;
const servers: PcServer[] = [];

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'hs-pc-'));
  const accepted = ssh2.utils.parseKey(clientKeys.public) as ParsedKey;
  fleet = { clientKey: accepted, verifyClient: createVerifier(accepted), pwsh: null, counters: createCounters(), live: new Set() };
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const item of [...fleet.live]) item.stop();
  await rm(base, { recursive: true, force: true });
});

async function startPc(fault: AssignedFault | null = null) {
  const root = join(base, 'PC-1');
  await mkdir(root, { recursive: true });
  const server = new PcServer({ id: 'PC-1', site: 's', os: 'linux', user: 'e1', root, port: 0, fault, attempts: 0, healed: false, saved: null }, fleet);
  servers.push(server);
  const port = await server.listen();
  const hostKey = generateEd25519();
  server.serve(hostKey.private, fault?.kind === 'hostkey' ? generateEd25519().private : undefined);
  return { server, port, root, hostKey: hostKey.public };
}

describe('a simulated PC', () => {
  test('runs real commands in its root, with stdin, stderr and exit codes', async () => {
    const pc = await startPc();
    const client = await connect({ port: pc.port, privateKey: clientKeys.private, expectedHostKey: pc.hostKey });
    try {
      const where = await run(client, 'pwd; echo "$HOME"; echo oops >&2; exit 7');
      expect(where).toMatchObject({ stdout: `${pc.root}\n${pc.root}\n`, stderr: 'oops\n', code: 7, closedBy: 'exit' });
      const written = await run(client, 'cat > note.txt && wc -c < note.txt', 'hello lab');
      expect(written.stdout.trim()).toBe('9');
      expect(await readFile(join(pc.root, 'note.txt'), 'utf8')).toBe('hello lab');
      expect((await run(client, 'true')).code).toBe(0);
      expect((await run(client, 'echo "$PATH"')).stdout).toContain(`${pc.root}/.sim/bin:`);
    } finally {
      client.end();
    }
    expect(fleet.counters.execs).toBe(4);
  });

  test('reports a signal and kills the command group when the channel closes', async () => {
    const pc = await startPc();
    const client = await connect({ port: pc.port, privateKey: clientKeys.private });
    try {
      expect(await run(client, 'kill -TERM $$')).toMatchObject({ code: null, signal: 'SIGTERM' });
      const channel = await open(client, 'sleep 30 & echo $!; wait');
      const pid = await new Promise<number>((resolve) => channel.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
      expect(isAlive(pid)).toBe(true);
      channel.close();
      await waitFor(() => !isAlive(pid));
    } finally {
      client.end();
    }
  });

  test('accepts only the fleet key', async () => {
    const pc = await startPc();
    const stranger = generateEd25519();
    await expect(connect({ port: pc.port, privateKey: stranger.private })).rejects.toThrow(/authentication methods failed/);
  });
});

describe('faults seen from a plain ssh2 client', () => {
  test('auth: the PC rejects the fleet key', async () => {
    const pc = await startPc({ kind: 'auth', heal: null });
    await expect(connect({ port: pc.port, privateKey: clientKeys.private })).rejects.toThrow(/authentication methods failed/);
    expect(fleet.counters.authFailures).toBe(1);
  });

  test('hostkey: the PC presents a key other than the one in known_hosts', async () => {
    const pc = await startPc({ kind: 'hostkey', heal: null });
    await expect(connect({ port: pc.port, privateKey: clientKeys.private, expectedHostKey: pc.hostKey })).rejects.toThrow(/verification failed/i);
  });

  test('slow: the handshake waits, and a short timeout gives up', async () => {
    const pc = await startPc({ kind: 'slow', heal: null, delaySeconds: 2 });
    await expect(connect({ port: pc.port, privateKey: clientKeys.private, readyTimeout: 500 })).rejects.toThrow(/timed out/i);
    const started = Date.now();
    const client = await connect({ port: pc.port, privateKey: clientKeys.private, readyTimeout: 5000 });
    client.end();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  test('drop: the connection dies after the first step-end marker', async () => {
    const pc = await startPc({ kind: 'drop', heal: null, dropAfterBytes: 1_000_000 });
    const client = await connect({ port: pc.port, privateKey: clientKeys.private });
    const result = await run(client, "echo '@@HS:vpn:begin'; echo '@@HS:vpn:end 0'; sleep 3; echo '@@HS:mailbox:begin'");
    expect(result.closedBy).toBe('connection-lost');
    expect(result.stdout).not.toContain('mailbox');
    expect(fleet.counters.drops).toBe(1);
  });

  test('drop: or after N bytes of output', async () => {
    const pc = await startPc({ kind: 'drop', heal: null, dropAfterBytes: 100 });
    const client = await connect({ port: pc.port, privateKey: clientKeys.private });
    const result = await run(client, 'i=0; while [ $i -lt 50 ]; do echo line-$i; i=$((i+1)); sleep 0.01; done');
    expect(result.closedBy).toBe('connection-lost');
    expect(result.stdout).not.toContain('line-49');
  });

  test('hang: the exec is accepted and never answers until the channel is closed', async () => {
    const pc = await startPc({ kind: 'hang', heal: null });
    const client = await connect({ port: pc.port, privateKey: clientKeys.private });
    try {
      const channel = await open(client, 'echo hi');
      let output = '';
      let exited = false;
      channel.on('data', (d: Buffer) => (output += d));
      channel.on('exit', () => (exited = true));
      await new Promise((r) => setTimeout(r, 500));
      expect({ output, exited }).toEqual({ output: '', exited: false });
      const closed = new Promise((r) => channel.on('close', r));
      channel.close();
      await closed;
    } finally {
      client.end();
    }
    expect(fleet.counters.hangs).toBe(1);
  });

  test('heal=K: the fault is gone after K connection attempts', async () => {
    const pc = await startPc({ kind: 'auth', heal: 2 });
    await expect(connect({ port: pc.port, privateKey: clientKeys.private })).rejects.toThrow();
    await expect(connect({ port: pc.port, privateKey: clientKeys.private })).rejects.toThrow();
    const client = await connect({ port: pc.port, privateKey: clientKeys.private });
    expect((await run(client, 'echo ok')).stdout).toBe('ok\n');
    client.end();
    expect(pc.server.pc).toMatchObject({ attempts: 3, healed: true });
  });

  test('heal of a file fault removes its fail file before the attempt is served', async () => {
    const pc = await startPc({ kind: 'fail-mailbox', heal: 1 });
    const { applyFileFault } = await import('../../src/lab/fault-files.js');
    await applyFileFault(pc.root, { kind: 'fail-mailbox', heal: 1 }, { mailbox: 'anna@example.com' });
    const first = await connect({ port: pc.port, privateKey: clientKeys.private });
    expect((await run(first, 'cat .sim/fail/mailbox')).stdout).toBe('3\nmailbox not found for anna@example.com\n');
    first.end();
    const second = await connect({ port: pc.port, privateKey: clientKeys.private });
    expect((await run(second, 'test -e .sim/fail/mailbox; echo $?')).stdout).toBe('1\n');
    second.end();
  });
});
