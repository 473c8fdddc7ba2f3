import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ParsedKey } from 'ssh2';
import { parseSigningKey } from '../transport/signing-key.js';

/**
 * A PC's host key, signing through a key object made once, as the controller's own key does (parseSigningKey): ssh2
 * signs with a key's PEM text, which OpenSSL decodes again every time (about 4.5 ms a signature), so a thousand
 * PCs' handshakes would spend most of the lab's time on it, a cost no real PC's sshd pays.
 */
export function parseHostKey(privateKey: string): ParsedKey {
  const key = parseSigningKey(privateKey);
  if (key instanceof Error) throw key;
  return key;
}

/** Verifies a client's signature with the accepted key, through a key object made once (ed25519, the lab's keys). */
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
