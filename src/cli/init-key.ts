import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { generateEd25519 } from '../transport/key-pair.js';
import { inputError } from './exit.js';

/** The key homeshift logs in with: picked when the file exists, else created (ed25519, no passphrase, mode 600). */
export interface InitKey {
  file: string; // absolute
  publicLine: string; // what goes into each PC's authorized keys
  created: boolean;
}

/** identityFile as homeshift.yaml names it: relative to the repository, absolute, or ~/... */
export function resolveKeyPath(dir: string, identityFile: string): string {
  if (identityFile === '~' || identityFile.startsWith('~/')) return path.join(os.homedir(), identityFile.slice(1));
  return path.resolve(dir, identityFile);
}

export function pickOrCreateKey(dir: string, identityFile: string, comment: string): InitKey {
  const file = resolveKeyPath(dir, identityFile);
  if (fs.existsSync(file)) {
    const parsed = ssh2.utils.parseKey(fs.readFileSync(file));
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (key instanceof Error || !key.isPrivateKey()) throw inputError(`${file} is not a private SSH key without passphrase (${key instanceof Error ? key.message : 'a public key'})`);
    if (key.type !== 'ssh-ed25519') throw inputError(`${file} is a ${key.type} key; homeshift init picks an ed25519 key (create one with ssh-keygen -t ed25519)`);
    return { file, publicLine: `${key.type} ${key.getPublicSSH().toString('base64')} ${key.comment || comment}`.trim(), created: false };
  }
  const pair = generateEd25519(comment);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, pair.private, { mode: 0o600, flag: 'wx' });
  fs.writeFileSync(`${file}.pub`, `${pair.public}\n`);
  return { file, publicLine: pair.public.trim(), created: true };
}
