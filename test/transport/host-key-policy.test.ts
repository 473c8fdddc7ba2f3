import { execa } from 'execa';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prepareHostKeyCheck } from '../../src/transport/host-key-policy.js';
import { fingerprintKey } from '../../src/transport/known-hosts.js';
import { createSshTransport } from '../../src/transport/ssh-transport.js';
import { TransportError } from '../../src/transport/transport.js';
import type { Target } from '../../src/transport/transport.js';
import { generateKeyPair } from '../support/keys.js';
import type { KeyPair } from '../support/keys.js';
import { SSHD_MISSING, sshdAvailable, startSshd, targetFor } from '../support/sshd.js';
import type { Sshd } from '../support/sshd.js';

const describeSshd = sshdAvailable() ? describe : describe.skip;
if (!sshdAvailable()) console.warn(SSHD_MISSING);

let dir: string;
let otherKey: KeyPair;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'homeshift-hostkeys-'));
  otherKey = await generateKeyPair(dir, 'other_host_key');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function blobOf(publicKey: string): Buffer {
  return Buffer.from(publicKey.split(' ')[1], 'base64');
}

describe('accept-new pinning', () => {
  const target = (knownHosts: string): Target => ({
    id: 'PC-1',
    host: '10.9.8.7',
    port: 2222,
    user: 'root',
    hostKeyPolicy: 'accept-new',
    knownHosts,
    connectTimeoutMs: 1000,
  });

  it('writes one line when 100 connects to one new host verify at once', async () => {
    const file = join(dir, 'nested', 'folder', 'known_hosts');
    const checks = await Promise.all(Array.from({ length: 100 }, () => prepareHostKeyCheck(target(file), file, () => undefined)));
    const verdicts = await Promise.all(checks.map((check) => check.verify(otherKey.blob)));
    expect(verdicts.every((v) => v === null)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(`[10.9.8.7]:2222 ${otherKey.publicKey}\n`);
  });

  it('refuses a different key for a host pinned meanwhile by another connect', async () => {
    const file = join(dir, 'race_known_hosts');
    const first = await prepareHostKeyCheck(target(file), file, () => undefined);
    const second = await prepareHostKeyCheck(target(file), file, () => undefined);
    expect(await first.verify(otherKey.blob)).toBeNull();
    const hostKey = await generateKeyPair(dir, 'race_host_key');
    expect(await second.verify(hostKey.blob)).toMatch(/HOST KEY MISMATCH/);
  });

  it('accepts a new key without writing it when asked not to pin (preflight)', async () => {
    const file = join(dir, 'unpinned_known_hosts');
    await writeFile(file, '# kept\n');
    const check = await prepareHostKeyCheck(target(file), file, () => undefined, false);
    expect(await check.verify(otherKey.blob)).toBeNull();
    expect(await readFile(file, 'utf8')).toBe('# kept\n');
  });

  it('adds a line break before appending to a file without one', async () => {
    const file = join(dir, 'no_newline_known_hosts');
    await writeFile(file, `# kept\npc9 ${otherKey.publicKey}`);
    const check = await prepareHostKeyCheck(target(file), file, () => undefined);
    expect(await check.verify(otherKey.blob)).toBeNull();
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toEqual(['# kept', `pc9 ${otherKey.publicKey}`, `[10.9.8.7]:2222 ${otherKey.publicKey}`, '']);
  });
});

describeSshd('host keys against a real sshd', () => {
  let sshd: Sshd;
  const logs: string[] = [];
  const transport = createSshTransport({ log: (line) => logs.push(line) });

  beforeAll(async () => {
    sshd = await startSshd({ logLevel: 'VERBOSE' });
  });
  afterAll(() => sshd?.stop());

  async function runsEcho(target: Target): Promise<string> {
    const connection = await transport.connect(target);
    try {
      return (await connection.exec('echo ok', { timeoutMs: 15_000 })).stdout;
    } finally {
      await connection.close();
    }
  }

  it('strict: connects when known_hosts has the key', async () => {
    expect(await runsEcho(targetFor(sshd))).toBe('ok\n');
  });

  it('strict: reads hashed known_hosts entries', async () => {
    const file = join(dir, 'hashed_known_hosts');
    await copyFile(sshd.knownHostsFile, file);
    await execa('ssh-keygen', ['-H', '-f', file]);
    expect(await readFile(file, 'utf8')).toMatch(/^\|1\|/);
    expect(await runsEcho(targetFor(sshd, { knownHosts: file }))).toBe('ok\n');
  });

  it('strict: refuses an unknown host as auth and says how to trust it', async () => {
    const file = join(dir, 'empty_known_hosts');
    await writeFile(file, '');
    const error = await transport.connect(targetFor(sshd, { knownHosts: file })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    const message = (error as Error).message;
    expect(message).toContain(`[127.0.0.1]:${sshd.port} is not in ${file}`);
    expect(message).toContain('accept-new');
    expect(message).toContain(`ssh-keyscan -p ${sshd.port} 127.0.0.1 >> ${file}`);
  });

  it('strict: a key mismatch is auth, names both fingerprints, and the PC sees no login', async () => {
    const file = join(dir, 'wrong_known_hosts');
    await writeFile(file, `[127.0.0.1]:${sshd.port} ${otherKey.publicKey}\n`);
    const logBefore = await readFile(sshd.logFile, 'utf8');
    const error = await transport.connect(targetFor(sshd, { knownHosts: file })).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    const message = (error as Error).message;
    expect(message).toContain('HOST KEY MISMATCH');
    expect(message).toContain(`expected ssh-ed25519 ${fingerprintKey(otherKey.blob)} (${file}:1)`);
    expect(message).toContain(`seen ssh-ed25519 ${fingerprintKey(blobOf(sshd.hostPublicKey))}`);
    await new Promise((r) => setTimeout(r, 200));
    const attempt = (await readFile(sshd.logFile, 'utf8')).slice(logBefore.length);
    expect(attempt).toContain('Connection from 127.0.0.1'); // the canary: sshd logged the visit ...
    expect(attempt).not.toMatch(/publickey|Accepted|session/i); // ... but no login, no command
    expect(logBefore).toMatch(/Accepted publickey/); // while a good connect does log one
  });

  it('strict: a revoked key is refused', async () => {
    const file = join(dir, 'revoked_known_hosts');
    await writeFile(file, `@revoked * ${sshd.hostPublicKey}\n[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    const error = await transport.connect(targetFor(sshd, { knownHosts: file })).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', message: expect.stringContaining('revoked') });
  });

  it('off: connects without any known_hosts', async () => {
    const target = targetFor(sshd, { hostKeyPolicy: 'off', knownHosts: join(dir, 'absent', 'known_hosts') });
    expect(await runsEcho(target)).toBe('ok\n');
  });

  it('accept-new: 30 concurrent first connects pin one line, and a later key change is refused', async () => {
    const file = join(dir, 'tofu', 'known_hosts');
    const target = targetFor(sshd, { hostKeyPolicy: 'accept-new', knownHosts: file });
    const outputs = await Promise.all(Array.from({ length: 30 }, () => runsEcho(target)));
    expect(outputs).toEqual(Array.from({ length: 30 }, () => 'ok\n'));
    expect(await readFile(file, 'utf8')).toBe(`[127.0.0.1]:${sshd.port} ${sshd.hostPublicKey}\n`);
    expect(logs.filter((l) => l.includes('pinned new host key'))).toHaveLength(1);
    expect(await runsEcho(target)).toBe('ok\n');

    // The PC is reinstalled: same address, new host key.
    const pinned = await readFile(file, 'utf8');
    const port = sshd.port;
    await sshd.stop();
    sshd = await startSshd({ port, logLevel: 'VERBOSE' });
    const again = targetFor(sshd, { hostKeyPolicy: 'accept-new', knownHosts: file });
    const error = await transport.connect(again).catch((e: unknown) => e);
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    expect((error as Error).message).toContain(`seen ssh-ed25519 ${fingerprintKey(blobOf(sshd.hostPublicKey))}`);
    expect(await readFile(file, 'utf8')).toBe(pinned);
  });
});
