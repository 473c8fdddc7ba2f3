/**
 * OpenSSH known_hosts: parsing, host matching and key comparison.
 *
 * Supported: plain names, `[host]:port`, comma lists, `*`/`?` wildcards, `!` negation, hashed
 * `|1|salt|hash` names (HMAC-SHA1), comments, `@revoked` (respected: such a key is always refused)
 * and `@cert-authority` (skipped: certificates are not used). Malformed lines are skipped and reported.
 * Keys are compared as the raw SSH wire blob, so any key type (ed25519, ecdsa, rsa) works.
 */
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  line: number; // 1-based line in the file
  marker: 'revoked' | 'cert-authority' | null;
  patterns: string[]; // plain patterns; empty for a hashed entry
  hashed: { salt: Buffer; hash: Buffer } | null;
  keyType: string;
  keyBase64: string;
}

export interface KnownHostsProblem {
  line: number;
  message: string;
}

export interface ParsedKnownHosts {
  entries: KnownHostEntry[];
  problems: KnownHostsProblem[];
}

export type HostKeyVerdict =
  | { status: 'match'; entry: KnownHostEntry }
  | { status: 'unknown' }
  | { status: 'mismatch'; expected: KnownHostEntry[] }
  | { status: 'revoked'; entry: KnownHostEntry };

/** Parse known_hosts text; bad lines become problems, never exceptions. */
export function parseKnownHosts(text: string): ParsedKnownHosts {
  const entries: KnownHostEntry[] = [];
  const problems: KnownHostsProblem[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const parsed = parseLine(trimmed, index + 1);
    if (typeof parsed === 'string') problems.push({ line: index + 1, message: parsed });
    else entries.push(parsed);
  });
  return { entries, problems };
}

function parseLine(text: string, line: number): KnownHostEntry | string {
  const fields = text.split(/\s+/);
  let marker: KnownHostEntry['marker'] = null;
  if (fields[0]?.startsWith('@')) {
    const name = fields.shift();
    if (name === '@revoked') marker = 'revoked';
    else if (name === '@cert-authority') marker = 'cert-authority';
    else return `unknown marker ${name}`;
  }
  const [hostField, keyType, keyBase64] = fields;
  if (!hostField || !keyType || !keyBase64) return 'expected: hosts key-type base64-key';
  const blob = Buffer.from(keyBase64, 'base64');
  if (blob.length === 0 || readKeyType(blob) !== keyType) return `key does not decode as ${keyType}`;
  if (hostField.startsWith('|')) {
    const hashed = parseHashedName(hostField);
    if (!hashed) return 'malformed hashed host name (expected |1|salt|hash)';
    return { line, marker, patterns: [], hashed, keyType, keyBase64: blob.toString('base64') };
  }
  const patterns = hostField.split(',').filter((p) => p !== '');
  return { line, marker, patterns, hashed: null, keyType, keyBase64: blob.toString('base64') };
}

function parseHashedName(field: string): { salt: Buffer; hash: Buffer } | null {
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return null;
  const salt = Buffer.from(parts[2], 'base64');
  const hash = Buffer.from(parts[3], 'base64');
  if (salt.length !== 20 || hash.length !== 20) return null;
  return { salt, hash };
}

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function formatHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Does the entry name this host (after negations)? */
export function matchesHostName(entry: KnownHostEntry, name: string): boolean {
  if (entry.hashed) {
    const digest = createHmac('sha1', entry.hashed.salt).update(name).digest();
    return digest.equals(entry.hashed.hash);
  }
  let matched = false;
  for (const pattern of entry.patterns) {
    const negated = pattern.startsWith('!');
    if (!matchesWildcard(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}

function matchesWildcard(pattern: string, name: string): boolean {
  if (!/[*?]/.test(pattern)) return pattern.toLowerCase() === name.toLowerCase();
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}

/**
 * The entries that may name a host, in file order: those with a plain pattern equal to the name, and every hashed,
 * wildcard or negated one (those are matched one by one). A connect then looks at its own lines, not at all of a
 * 16,000-line file; checkHostKey and listKnownKeyTypes give the same answers on this subset as on the whole file.
 */
export function indexKnownHosts(entries: KnownHostEntry[]): (name: string) => KnownHostEntry[] {
  const byName = new Map<string, KnownHostEntry[]>();
  const general: KnownHostEntry[] = [];
  for (const entry of entries) {
    if (entry.hashed || entry.patterns.some((p) => /[*?!]/.test(p))) {
      general.push(entry);
      continue;
    }
    for (const name of new Set(entry.patterns.map((p) => p.toLowerCase()))) {
      const list = byName.get(name);
      if (list) list.push(entry);
      else byName.set(name, [entry]);
    }
  }
  return (name) => {
    const exact = byName.get(name.toLowerCase()) ?? [];
    return general.length === 0 ? exact : [...exact, ...general].sort((a, b) => a.line - b.line);
  };
}

/** Compare the key a host presented with what the file knows about that host. */
export function checkHostKey(entries: KnownHostEntry[], name: string, keyBlob: Buffer): HostKeyVerdict {
  const seen = keyBlob.toString('base64');
  const forHost = entries.filter((e) => e.marker !== 'cert-authority' && matchesHostName(e, name));
  const revoked = forHost.find((e) => e.marker === 'revoked' && e.keyBase64 === seen);
  if (revoked) return { status: 'revoked', entry: revoked };
  const known = forHost.filter((e) => e.marker === null);
  const match = known.find((e) => e.keyBase64 === seen);
  if (match) return { status: 'match', entry: match };
  return known.length === 0 ? { status: 'unknown' } : { status: 'mismatch', expected: known };
}

/** Key types the file holds for this host, to ask the server for a key we can check. */
export function listKnownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types = entries.filter((e) => e.marker === null && matchesHostName(e, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** One known_hosts line pinning this key for this host. */
export function formatKnownHostsLine(name: string, keyBlob: Buffer): string {
  return `${name} ${readKeyType(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** `SHA256:...` as ssh-keygen -l prints it. */
export function fingerprintKey(keyBlob: Buffer | string): string {
  const blob = typeof keyBlob === 'string' ? Buffer.from(keyBlob, 'base64') : keyBlob;
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named at the start of an SSH public key blob, or '' when it does not decode. */
export function readKeyType(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || 4 + length > keyBlob.length) return '';
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}
