import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startLab, type Lab, type LabMachine } from '../../src/lab/start-lab.js';
import { connect, run } from './ssh-client.js';

const FAULTS = 'offline=1,auth=1,hostkey=1,fail-mailbox=1:heal=1,disk-full=1,unencrypted=1:heal=1';
let dir: string;
let lab: Lab;
let privateKey: string;
let knownHosts: Map<number, string>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hs-lab-'));
  lab = await startLab({ dir, machines: 12, sites: 2, faults: FAULTS, seed: 42 });
  privateKey = await readFile(join(dir, 'keys', 'id_ed25519'), 'utf8');
  knownHosts = new Map(
    (await readFile(join(dir, 'known_hosts'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => {
        const [host, type, key] = line.split(' ');
        return [Number(/\]:(\d+)$/.exec(host)![1]), `${type} ${key}`];
      }),
  );
});

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

function withFault(kind: string): LabMachine {
  const machine = lab.machines.find((m) => m.fault?.kind === kind);
  if (!machine) throw new Error(`no PC with ${kind}`);
  return machine;
}

const healthy = () => lab.machines.find((m) => m.fault === null)!;
const login = (m: LabMachine) => connect({ port: m.port, privateKey, expectedHostKey: knownHosts.get(m.port) });

describe('startLab', () => {
  test('writes a rollout repository that reaches the lab PCs', async () => {
    expect(lab.machines).toHaveLength(12);
    const config = parseYaml(await readFile(join(lab.projectDir, 'homeshift.yaml'), 'utf8'));
    expect(config.ssh).toMatchObject({ identityFile: join(dir, 'keys', 'id_ed25519'), hostKeyPolicy: 'strict', knownHosts: join(dir, 'known_hosts') });
    expect(config.secrets.vpnPsk).toEqual({ file: join(dir, 'secrets', 'vpn-psk') });
    expect((await readFile(config.secrets.vpnPsk.file, 'utf8')).trim()).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const inventory = parseYaml(await readFile(join(lab.projectDir, 'inventory', 'bruehl.yaml'), 'utf8'));
    const first = inventory.machines[0];
    const machine = lab.machines.find((m) => m.id === first.id)!;
    expect(first).toMatchObject({ host: '127.0.0.1', port: machine.port, os: 'linux', vars: { root: join(dir, 'pcs', first.id) } });
    expect(knownHosts.size).toBe(12);
  });

  test('every PC has its own tree and runs commands there', async () => {
    const machine = healthy();
    expect((await stat(machine.root)).isDirectory()).toBe(true);
    const client = await login(machine);
    try {
      expect((await run(client, 'pwd')).stdout.trim()).toBe(machine.root);
      expect((await run(client, 'exit 3')).code).toBe(3);
    } finally {
      client.end();
    }
  });

  test('offline: the connection is refused', async () => {
    const machine = withFault('offline');
    const error = await new Promise<NodeJS.ErrnoException>((resolve) => {
      const socket = tcpConnect(machine.port, '127.0.0.1');
      socket.on('connect', () => resolve(Object.assign(new Error('connected'), { code: 'CONNECTED' })));
      socket.on('error', resolve);
    });
    expect(error.code).toBe('ECONNREFUSED');
  });

  test('auth and hostkey faults fail the login', async () => {
    await expect(login(withFault('auth'))).rejects.toThrow(/authentication methods failed/);
    await expect(login(withFault('hostkey'))).rejects.toThrow(/verification failed/i);
  });

  test('fail-mailbox and disk-full write fail files; heal removes them after one attempt', async () => {
    const mailbox = withFault('fail-mailbox');
    const csv = await readFile(join(lab.projectDir, 'directory', 'employees.csv'), 'utf8');
    const first = await login(mailbox);
    const text = (await run(first, 'cat .sim/fail/mailbox')).stdout;
    first.end();
    const [code, message] = text.trim().split('\n');
    expect(code).toBe('3');
    expect(message).toMatch(/^mailbox not found for \S+@example-telco\.de$/);
    expect(csv).toContain(message.replace('mailbox not found for ', ''));
    const second = await login(mailbox);
    expect((await run(second, 'ls .sim/fail 2>/dev/null | wc -l')).stdout.trim()).toBe('0');
    second.end();

    const disk = withFault('disk-full');
    expect(await readFile(join(disk.root, '.sim', 'fail', 'tool_apt-get'), 'utf8')).toBe(
      "100\nE: You don't have enough free space in /var/cache/apt/archives/.\n",
    );
  });

  test('unencrypted: crypttab loses its luks line until healed', async () => {
    const machine = withFault('unencrypted');
    const crypttab = join(machine.root, 'etc', 'crypttab');
    expect(await readFile(crypttab, 'utf8')).not.toMatch(/^[^#].*luks/m);
    const first = await login(machine);
    expect((await run(first, "grep -v '^#' etc/crypttab | grep -c luks")).stdout.trim()).toBe('0');
    first.end();
    const second = await login(machine); // heal=1: the second attempt finds the disk encrypted
    second.end();
    expect(await readFile(crypttab, 'utf8')).toMatch(/^[^#].*luks/m);
  });

  test('stats count connections, auth failures and healing', () => {
    const stats = lab.stats();
    expect(stats.machines).toBe(12);
    expect(stats.listening).toBe(11);
    expect(stats.authFailures).toBeGreaterThanOrEqual(1);
    expect(stats.healed).toBe(2);
    expect(stats.attempts[withFault('fail-mailbox').id]).toBe(2);
  });

  test('the same seed gives the same fleet and the same faulty PCs', async () => {
    const again = await mkdtemp(join(tmpdir(), 'hs-lab-'));
    const other = await startLab({ dir: again, machines: 12, sites: 2, faults: FAULTS, seed: 42 });
    try {
      expect(other.faults.byKind).toEqual(lab.faults.byKind);
      expect(other.machines.map((m) => m.id)).toEqual(lab.machines.map((m) => m.id));
    } finally {
      await other.stop();
      await rm(again, { recursive: true, force: true });
    }
  });
});
