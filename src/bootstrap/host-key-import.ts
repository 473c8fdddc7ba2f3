/**
 * `homeshift known-hosts import`: the host key lines the day-zero script collected ("<computer name> <key type>
 * <key>", one file per PC or many lines in one), checked, mapped to the inventory's machines and merged into the
 * repository's known_hosts, so that strict host-key checking holds from the first contact.
 */
import { formatHostName, parseKnownHosts, readKeyType } from '../transport/known-hosts.js';

export interface HostKeyLine { file: string; line: number; name: string; keyType: string; keyBase64: string }
export interface Reachable { id: string; host: string; port: number }

const KEY_TYPES = new Set(['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa']);
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/;

/** Every line of every file, or `file:line: why` for each bad one. */
export function parseHostKeyLines(files: { file: string; text: string }[]): { lines: HostKeyLine[]; problems: string[] } {
  const lines: HostKeyLine[] = [];
  const problems: string[] = [];
  for (const { file, text } of files) {
    text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, index) => {
      const trimmed = raw.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const why = (message: string) => problems.push(`${file}:${index + 1}: ${message}`);
      const [name, keyType, keyBase64, ...rest] = trimmed.split(/\s+/);
      if (!keyBase64 || rest.length > 1) return void why('expected "<computer name> <key type> <key>"');
      if (!NAME.test(name)) return void why(`"${name}" is not a computer name`);
      if (!KEY_TYPES.has(keyType)) return void why(`unknown key type "${keyType}" (known: ${[...KEY_TYPES].join(', ')})`);
      const blob = /^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64) ? Buffer.from(keyBase64, 'base64') : Buffer.alloc(0);
      if (readKeyType(blob) !== keyType) return void why(`the key is not a ${keyType} public key`);
      lines.push({ file, line: index + 1, name, keyType, keyBase64 });
    });
  }
  return { lines, problems };
}

/** The machine a computer name stands for: its id, its host, or the first label of its host (BRU-D0042 for bru-d0042.bruehl.example). */
export function machineFor(name: string, machines: Reachable[]): Reachable | null {
  const wanted = name.toLowerCase();
  return machines.find((m) => m.id.toLowerCase() === wanted)
    ?? machines.find((m) => m.host.toLowerCase() === wanted)
    ?? machines.find((m) => m.host.toLowerCase().split('.')[0] === wanted)
    ?? null;
}

/**
 * known_hosts text with one line per (host, key type): a collected key replaces the line that names the same host
 * name and key type; every other line stays as it was.
 */
export function mergeKnownHosts(existing: string, pinned: { hostName: string; keyType: string; keyBase64: string; comment: string }[]): string {
  const replaced = new Set(pinned.map((p) => `${p.hostName} ${p.keyType}`));
  const drop = new Set<number>();
  for (const entry of parseKnownHosts(existing).entries) {
    if (entry.marker === null && entry.patterns.length === 1 && replaced.has(`${entry.patterns[0]} ${entry.keyType}`)) drop.add(entry.line);
  }
  const rows = existing === '' ? [] : existing.replace(/\r?\n$/, '').split(/\r?\n/);
  const kept = rows.filter((_, index) => !drop.has(index + 1));
  return [...kept, ...pinned.map((p) => `${p.hostName} ${p.keyType} ${p.keyBase64} ${p.comment}`)].map((line) => `${line}\n`).join('');
}

/** The known_hosts name of a machine: `host` on port 22, `[host]:port` otherwise. */
export const knownHostsName = (m: Reachable): string => formatHostName(m.host, m.port);
