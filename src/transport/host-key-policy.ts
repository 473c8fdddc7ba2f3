/**
 * Host-key policy for one connect: `strict` (the key must be in known_hosts), `accept-new` (trust
 * on first use: pin an unknown host's key, refuse a changed one) and `off` (accept anything; the
 * caller warns). The check runs in ssh2's hostVerifier, i.e. before authentication: a refused
 * machine never sees a login attempt, let alone a command.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { createFileCache } from './file-cache.js';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  checkHostKey,
  fingerprintKey,
  formatHostName,
  formatKnownHostsLine,
  indexKnownHosts,
  listKnownKeyTypes,
  parseKnownHosts,
  readKeyType,
} from './known-hosts.js';
import type { HostKeyVerdict, KnownHostEntry } from './known-hosts.js';
import type { Target } from './transport.js';

export interface HostKeyCheck {
  /** Key types known for this host, to be asked for first. */
  knownKeyTypes: string[];
  /** null: accept the key; a string: why it is refused. */
  verify(keyBlob: Buffer): Promise<string | null>;
}

type Log = (line: string) => void;

// One append at a time per file, across all connects of this process.
const pinQueues = new Map<string, Promise<unknown>>();

/** Expand a leading `~` to the home directory. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/** The known_hosts file a target uses. */
export function resolveKnownHostsFile(target: Target, fallback?: string): string {
  return resolve(expandHome(target.knownHosts ?? fallback ?? '~/.ssh/known_hosts'));
}

/**
 * Read the file the policy needs and return the check for this target. pin false: accept-new accepts a new key
 * without writing it (preflight changes nothing; the rollout pins it).
 */
export async function prepareHostKeyCheck(target: Target, file: string, log: Log, pin = true): Promise<HostKeyCheck> {
  if (target.hostKeyPolicy === 'off') return { knownKeyTypes: [], verify: async () => null };
  const name = formatHostName(target.host, target.port);
  const entries = await readEntries(file, log, name);
  const knownKeyTypes = listKnownKeyTypes(entries, name);
  const verify = async (keyBlob: Buffer): Promise<string | null> => {
    const verdict = checkHostKey(entries, name, keyBlob);
    if (verdict.status === 'match') return null;
    if (verdict.status !== 'unknown') return describeRefusal(verdict, target, name, file, keyBlob);
    if (target.hostKeyPolicy === 'strict') return describeUnknown(target, name, file, keyBlob);
    if (!pin) return null;
    return pinHostKey(target, name, file, keyBlob, log);
  };
  return { knownKeyTypes, verify };
}

const readKnownHosts = createFileCache((content) => {
  const parsed = parseKnownHosts(content.toString('utf8'));
  return { problems: parsed.problems, entriesFor: indexKnownHosts(parsed.entries) };
});
const reported = new Set<string>();

/** The entries of the file that may name this host (see indexKnownHosts). */
async function readEntries(file: string, log: Log, name: string): Promise<KnownHostEntry[]> {
  let parsed: Awaited<ReturnType<typeof readKnownHosts>>;
  try {
    parsed = await readKnownHosts(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') log(`${file}: cannot read known hosts (${code ?? String(error)}); treated as empty`);
    return [];
  }
  for (const problem of parsed.problems) {
    const line = `${file}:${problem.line}:1 skipped known_hosts line: ${problem.message}`;
    if (!reported.has(line)) log(line); // once per process, not once per connection
    reported.add(line);
  }
  return parsed.entriesFor(name);
}

function pinHostKey(target: Target, name: string, file: string, keyBlob: Buffer, log: Log): Promise<string | null> {
  const previous = pinQueues.get(file) ?? Promise.resolve();
  const next = previous.then(async () => {
    // Re-read, past the cache: another connect may have pinned this host meanwhile.
    const fresh = parseKnownHosts(await readFile(file, 'utf8').catch(() => '')).entries;
    const verdict = checkHostKey(fresh, name, keyBlob);
    if (verdict.status === 'match') return null;
    if (verdict.status !== 'unknown') return describeRefusal(verdict, target, name, file, keyBlob);
    try {
      await mkdir(dirname(file), { recursive: true });
      const existing = await readFile(file, 'utf8').catch(() => '');
      const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
      await appendFile(file, `${separator}${formatKnownHostsLine(name, keyBlob)}\n`, { mode: 0o600 });
    } catch (error) {
      return `${target.id}: cannot pin host key of ${name} into ${file}: ${(error as Error).message}`;
    }
    log(`${target.id}: pinned new host key ${readKeyType(keyBlob)} ${fingerprintKey(keyBlob)} for ${name} in ${file}`);
    return null;
  });
  pinQueues.set(
    file,
    next.catch(() => undefined),
  );
  return next;
}

function describeUnknown(target: Target, name: string, file: string, keyBlob: Buffer): string {
  const portOption = target.port === 22 ? '' : `-p ${target.port} `;
  return (
    `${target.id}: host ${name} is not in ${file} (it offered ${readKeyType(keyBlob)} ${fingerprintKey(keyBlob)}); ` +
    `with hostKeyPolicy strict only known hosts are contacted: use hostKeyPolicy accept-new, ` +
    `or add the key with: ssh-keyscan ${portOption}${target.host} >> ${file}`
  );
}

function describeRefusal(
  verdict: Exclude<HostKeyVerdict, { status: 'match' } | { status: 'unknown' }>,
  target: Target,
  name: string,
  file: string,
  keyBlob: Buffer,
): string {
  const seen = `${readKeyType(keyBlob)} ${fingerprintKey(keyBlob)}`;
  if (verdict.status === 'revoked') {
    return `${target.id}: host key of ${name} is revoked (${file}:${verdict.entry.line}): ${seen}; nothing was run`;
  }
  const expected = verdict.expected
    .map((e) => `${e.keyType} ${fingerprintKey(e.keyBase64)} (${file}:${e.line})`)
    .join(', ');
  return (
    `${target.id}: HOST KEY MISMATCH for ${name}: expected ${expected}, seen ${seen}; ` +
    `the machine was not logged into and nothing was run. If the PC was reinstalled, remove the old line and connect again`
  );
}
