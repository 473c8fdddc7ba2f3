import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

/**
 * A PC's host key and the client key it accepts, with their key objects made once. ssh2 signs and verifies with a
 * key's PEM text, which OpenSSL decodes again every time (about 4.5 ms a signature): a thousand PCs' handshakes
 * would spend most of the lab's time on it, a cost no real PC's sshd pays. Same signatures (node:crypto, as ssh2
 * calls it); lab keys are ed25519, any other type keeps ssh2's own path.
 */
export function parseHostKey(privateKey: string): ParsedKey {
  const key = parseOne(privateKey);
  if (key.type !== 'ssh-ed25519') return key;
  const keyObject = createPrivateKey(key.getPrivatePEM());
  key.sign = ((data: Buffer | string) => sign(null, typeof data === 'string' ? Buffer.from(data) : data, keyObject)) as ParsedKey['sign'];
  return key;
}

/** Verifies a client's signature with the accepted key. */
export function createVerifier(key: ParsedKey): (data: Buffer, signature: Buffer, hashAlgo?: string) => boolean {
  if (key.type !== 'ssh-ed25519') return (data, signature, hashAlgo) => key.verify(data, signature, hashAlgo) === true;
  const keyObject: KeyObject = createPublicKey(key.getPublicPEM());
  return (data, signature) => {
    try {
      return verify(null, data, keyObject, signature);
    } catch {
      return false;
    }
  };
}

function parseOne(text: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) throw parsed;
  return Array.isArray(parsed) ? parsed[0] : parsed;
}
