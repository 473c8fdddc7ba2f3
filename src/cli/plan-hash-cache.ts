import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listInputFiles } from '../config/input-files.js';
import { listFilesDeep, statKind } from '../config/list-files.js';
import { findPackageRoot } from '../config/package-root.js';
import type { ProjectConfig } from '../model/project.js';
import type { Selectable } from '../plan/selector.js';

/**
 * What status needs of the rollout repository, kept next to the journal's local state (plan-hashes.json) so that it
 * need not load, validate and hash 16,000 machines on every call: the sites, each machine's plan hash and what a --limit
 * selects by (id, site, role, os, host, user), or why
 * stale detection is skipped. The file is keyed by a digest of the exact bytes of every input file loadProject reads,
 * of the code that turns them into hashes and of the tool's version; a file whose digest, format or checksum does not
 * match is ignored (and rewritten by the next command that has the hashes).
 */
export type RepositoryFacts =
  | { skipped: string } // the repository is not valid: status counts the machines the journal knows
  | { skipped: null; sites: string[]; machines: Selectable[]; planHashes: Map<string, string>; complianceRoles?: string[] }; // roles whose checks keep runs again

const FORMAT = 'homeshift plan hashes 4';
const FIELDS = 8; // per machine: id, site, role, os, host, user, retire ('1' or ''), hash
export const CACHE_FILE = 'plan-hashes.json';

/** The cache file of a repository: in the folder that holds its journal's local state (see logFolderOf). */
export function cacheFileIn(stateFolder: string): string {
  return join(stateFolder, CACHE_FILE);
}

// The modules whose code decides what loads, what is valid and what a plan hash is, and the JSON schemas validate
// reads; their sizes and times stand for them (an installed package's times are fixed: its version counts too).
const CODE_FOLDERS = ['config', 'validate', 'plan', 'model', 'render'];

function codeStamp(): string {
  const code = fileURLToPath(new URL('..', import.meta.url));
  const packageRoot = findPackageRoot();
  const parts: string[] = [];
  for (const [label, dir] of [...CODE_FOLDERS.map((f) => [f, join(code, f)]), ['schema', join(packageRoot, 'schema')]]) {
    for (const [name, abs] of listFilesDeep(dir)) {
      const st = statSync(abs);
      parts.push(`${label}/${name}:${st.size}:${st.mtimeMs}`);
    }
  }
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version?: unknown };
  parts.push(`version:${String(pkg.version)}`);
  return parts.join('\n');
}

/**
 * The digest of everything the repository facts are made of: each input file's path and bytes (or that it is
 * missing), the code stamp, the root and HOMESHIFT_JOURNAL. Null when an input cannot be read: then nothing is cached.
 */
export function inputDigest(root: string, config: ProjectConfig): string | null {
  try {
    const hash = createHash('sha256');
    hash.update(`${FORMAT}\0${root}\0${process.env.HOMESHIFT_JOURNAL ?? ''}\0${codeStamp()}\0`);
    for (const input of listInputFiles(root, config)) {
      if (!input.exists) {
        hash.update(`${input.abs}\0missing\0`);
        continue;
      }
      const bytes = readFileSync(input.abs);
      hash.update(`${input.abs}\0${bytes.length}\0`);
      hash.update(bytes);
    }
    return hash.digest('hex');
  } catch {
    return null;
  }
}

interface CacheBody {
  skipped: string | null;
  sites: string[];
  machines: string[]; // FIELDS per machine, flat; the hash '' when the machine has none
  complianceRoles: string[];
}

const checksum = (body: CacheBody): string => createHash('sha256').update(JSON.stringify([body.skipped, body.sites, body.machines, body.complianceRoles])).digest('hex');

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** The cached facts when the file is there, whole, of this format and made of exactly these inputs; else null. */
export function readRepositoryFacts(file: string, digest: string): RepositoryFacts | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null; // missing, unreadable, truncated or not JSON
  }
  if (typeof data !== 'object' || data === null) return null;
  const d = data as Record<string, unknown>;
  if (d.format !== FORMAT || d.digest !== digest || typeof d.check !== 'string') return null;
  if (!(d.skipped === null || typeof d.skipped === 'string') || !isStrings(d.sites) || !isStrings(d.machines) || d.machines.length % FIELDS !== 0 || !isStrings(d.complianceRoles)) return null;
  const body: CacheBody = { skipped: d.skipped, sites: d.sites, machines: d.machines, complianceRoles: d.complianceRoles };
  if (checksum(body) !== d.check) return null;
  if (body.skipped !== null) return { skipped: body.skipped };
  const machines: Selectable[] = [];
  const planHashes = new Map<string, string>();
  for (let i = 0; i < body.machines.length; i += FIELDS) {
    const [id, site, role, os, host, user, retire, hash] = body.machines.slice(i, i + FIELDS);
    if (os !== 'linux' && os !== 'windows') return null;
    machines.push({ id, site, role, os, host, user, ...(retire === '1' ? { retire: true as const } : {}) });
    if (hash) planHashes.set(id, hash);
  }
  return { skipped: null, sites: body.sites, machines, planHashes, ...(body.complianceRoles.length > 0 ? { complianceRoles: body.complianceRoles } : {}) };
}

/**
 * Writes the facts for `digest`, atomically (a new file renamed over the old one, so that a reader or a concurrent
 * writer never sees half a file). Only into a folder that already exists: a command that only reads creates no
 * local state. A cache that cannot be written is no error: the next command computes the facts again.
 */
export function writeRepositoryFacts(file: string, digest: string, facts: RepositoryFacts): void {
  if (statKind(dirname(file)) !== 'dir') return;
  const body: CacheBody = facts.skipped !== null
    ? { skipped: facts.skipped, sites: [], machines: [], complianceRoles: [] }
    : { skipped: null, sites: facts.sites, machines: facts.machines.flatMap((m) => [m.id, m.site, m.role, m.os, m.host, m.user, m.retire ? '1' : '', facts.planHashes.get(m.id) ?? '']), complianceRoles: facts.complianceRoles ?? [] };
  const text = JSON.stringify({ format: FORMAT, digest, check: checksum(body), ...body });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = openSync(temp, 'wx', 0o644);
    try {
      writeSync(fd, text); // no fsync: a file cut short by a crash fails its checksum and is ignored
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // never created, or already renamed
    }
  }
}
