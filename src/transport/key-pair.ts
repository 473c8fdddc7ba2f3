import ssh2 from 'ssh2';

export interface KeyPair {
  private: string; // OpenSSH format
  public: string; // "ssh-ed25519 AAAA..."
}

/**
 * An ed25519 key pair that parses back. ssh2's generator drops a leading zero byte of the key
 * now and then (about 1 in 200), which yields a malformed key; such a pair is made again.
 */
export function generateEd25519(comment?: string): KeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', comment ? { comment } : undefined);
    const parsedPrivate = ssh2.utils.parseKey(pair.private);
    const parsedPublic = ssh2.utils.parseKey(pair.public);
    if (!(parsedPrivate instanceof Error) && !(parsedPublic instanceof Error)) return pair;
  }
}
