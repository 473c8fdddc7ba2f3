/**
 * Is the SSH identity a target names usable, without connecting: the key file exists, is readable and parses
 * (an encrypted key cannot be used: homeshift has no passphrase source), or the agent socket is there.
 */
import { readFile, stat } from 'node:fs/promises';
import ssh2 from 'ssh2';
import { expandHome } from './host-key-policy.js';
import type { Target } from './transport.js';

export type Identity = Pick<Target, 'identityFile' | 'privateKey' | 'agent'>;

/** Why this identity cannot log in, or null when it can be offered. */
export async function checkIdentity(identity: Identity, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  if (identity.agent) return checkAgent(identity.agent === true ? env.SSH_AUTH_SOCK : identity.agent);
  if (identity.privateKey !== undefined) return checkKey(Buffer.from(identity.privateKey), 'the private key');
  if (!identity.identityFile) return 'no SSH identity: set ssh.identityFile (a private key file) or ssh.agent: true in homeshift.yaml';
  const file = expandHome(identity.identityFile);
  let content: Buffer;
  try {
    content = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable' : `cannot be read (${code})`;
    return `SSH identity file ${file} ${why} (ssh.identityFile in homeshift.yaml)`;
  }
  return checkKey(content, `SSH identity file ${file}`);
}

function checkKey(content: Buffer, what: string): string | null {
  const parsed = ssh2.utils.parseKey(content);
  if (!(parsed instanceof Error)) return null;
  if (/encrypted/i.test(parsed.message)) {
    return `${what} is encrypted with a passphrase, which homeshift cannot ask for: load it into an ssh-agent and set ssh.agent: true, or use an unencrypted service-account key`;
  }
  return `${what} is not a private key ssh can use (${parsed.message})`;
}

async function checkAgent(socket: string | undefined): Promise<string | null> {
  if (!socket) return 'ssh.agent is on but SSH_AUTH_SOCK is not set: start ssh-agent and add the service-account key (ssh-add)';
  try {
    if ((await stat(socket)).isSocket()) return null;
    return `SSH agent socket ${socket} is not a socket`;
  } catch (error) {
    return `SSH agent socket ${socket} is not there (${(error as NodeJS.ErrnoException).code ?? String(error)}): start ssh-agent and add the key`;
  }
}
