import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkIdentity } from '../../src/transport/identity-check.js';
import { generateKeyPair } from '../support/keys.js';

describe('checkIdentity', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-identity-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('accepts a key file that parses', async () => {
    const key = await generateKeyPair(dir, 'plain');
    expect(await checkIdentity({ identityFile: key.privateKeyFile })).toBeNull();
  });

  it('names a missing key file, one that is not a key, and an encrypted one', async () => {
    const missing = join(dir, 'no-such-key');
    expect(await checkIdentity({ identityFile: missing })).toBe(`SSH identity file ${missing} does not exist (ssh.identityFile in homeshift.yaml)`);
    const junk = join(dir, 'junk');
    await writeFile(junk, 'not a key\n');
    expect(await checkIdentity({ identityFile: junk })).toMatch(new RegExp(`^SSH identity file ${junk} is not a private key ssh can use`));
    const encrypted = join(dir, 'encrypted');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'a passphrase', '-f', encrypted]);
    expect(await checkIdentity({ identityFile: encrypted })).toMatch(/is encrypted with a passphrase, which homeshift cannot ask for: load it into an ssh-agent/);
  });

  it('checks the agent socket instead when the agent is asked for', async () => {
    expect(await checkIdentity({ agent: true }, {})).toMatch(/SSH_AUTH_SOCK is not set/);
    expect(await checkIdentity({ agent: join(dir, 'gone.sock') }, {})).toMatch(/agent socket .*gone\.sock is not there \(ENOENT\)/);
    const socket = join(dir, 'agent.sock');
    const server: Server = createServer();
    await new Promise<void>((done) => server.listen(socket, done));
    try {
      expect(await checkIdentity({ agent: true }, { SSH_AUTH_SOCK: socket })).toBeNull();
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
