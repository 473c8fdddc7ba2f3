import { createPrivateKey, sign } from 'node:crypto';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

/**
 * The private key of a run, parsed once, whose signatures come from a key object made once. ssh2 signs with the
 * key's PEM text, which OpenSSL decodes again for every signature: about 4.5 ms of the controller's CPU per
 * connection against 0.15 ms with the key object, the largest single cost of a connect. The signatures are the
 * same (node:crypto sign, as ssh2 calls it); a key type without a known hash of its own keeps ssh2's own path.
 * Errors read as ssh2's own would at connect.
 */
export function parseSigningKey(data: Buffer | string): ParsedKey | Error {
  const parsed = ssh2.utils.parseKey(data);
  if (parsed instanceof Error) return new Error(`Cannot parse privateKey: ${parsed.message}`);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  const pem = key.getPrivatePEM();
  if (!pem) return new Error('privateKey value does not contain a (valid) private key');
  const keyObject = createPrivateKey(pem);
  const viaPem = key.sign.bind(key);
  const ownHash = key.type === 'ssh-ed25519' ? null : undefined; // ed25519 hashes inside the signature
  // ssh2 takes an Error returned from sign as the failure, as its own sign does
  key.sign = ((data: Buffer | string, algo?: string): Buffer | Error => {
    const hash = typeof algo === 'string' && algo ? algo : ownHash;
    if (hash === undefined) return viaPem(data, algo);
    try {
      return sign(hash, typeof data === 'string' ? Buffer.from(data) : data, keyObject);
    } catch (error) {
      return error as Error;
    }
  }) as ParsedKey['sign'];
  return key;
}
