/** Throw-away SSH key pairs made by ssh-keygen, for tests. */
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type KeyType = 'ed25519' | 'ecdsa' | 'rsa';

export interface KeyPair {
  privateKeyFile: string;
  publicKeyFile: string;
  publicKey: string; // "ssh-ed25519 AAAA..." without comment
  blob: Buffer; // the SSH wire form of the public key
}

/** Generate a key pair without passphrase as `<dir>/<name>` and `<dir>/<name>.pub`. */
export async function generateKeyPair(dir: string, name: string, type: KeyType = 'ed25519'): Promise<KeyPair> {
  const privateKeyFile = join(dir, name);
  const sizeArgs = type === 'rsa' ? ['-b', '2048'] : [];
  await execa('ssh-keygen', ['-q', '-t', type, ...sizeArgs, '-N', '', '-C', name, '-f', privateKeyFile]);
  const publicKeyFile = `${privateKeyFile}.pub`;
  const [keyType, base64] = (await readFile(publicKeyFile, 'utf8')).trim().split(/\s+/);
  return { privateKeyFile, publicKeyFile, publicKey: `${keyType} ${base64}`, blob: Buffer.from(base64, 'base64') };
}
