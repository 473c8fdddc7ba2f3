import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';
import { parseSigningKey } from '../../src/transport/signing-key.js';

const publicOf = (text: string) => ssh2.utils.parseKey(text) as ParsedKey;
const data = Buffer.from('session id and userauth request');

describe('parseSigningKey', () => {
  it('signs ed25519 as ssh2 does: the PC verifies the signature with the public key', () => {
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    const key = parseSigningKey(pair.private) as ParsedKey;
    const signature = key.sign(data);
    expect(publicOf(pair.public).verify(data, signature)).toBe(true);
    expect(signature.equals(publicOf(pair.private).sign(data))).toBe(true); // ed25519 signatures are deterministic
  });

  it('signs RSA with the hash the server asked for', () => {
    const pair = ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 });
    const key = parseSigningKey(Buffer.from(pair.private)) as ParsedKey;
    for (const hash of ['sha512', 'sha256']) expect(publicOf(pair.public).verify(data, key.sign(data, hash), hash)).toBe(true);
    expect(publicOf(pair.public).verify(data, key.sign(data))).toBe(true); // its own hash when none is named
  });

  it('says why a key cannot be used, as ssh2 does at connect', () => {
    expect((parseSigningKey('not a key') as Error).message).toMatch(/^Cannot parse privateKey: /);
    const pair = ssh2.utils.generateKeyPairSync('ed25519');
    expect((parseSigningKey(pair.public) as Error).message).toBe('privateKey value does not contain a (valid) private key');
  });
});
