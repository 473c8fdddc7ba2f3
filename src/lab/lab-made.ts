import { readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';

/**
 * What `lab up` made, so that `lab down` removes that and keeps what the operator made next to it (the journal,
 * its logs, reports written into the repository). The rollout repository's generated files are listed in
 * lab-made.json; the PCs, keys, secrets and known_hosts are the lab's own folders.
 */
const MANIFEST = 'lab-made.json';

export interface LabMadePaths {
  pcs: string;
  project: string;
  keys: string;
  secrets: string;
  knownHosts: string;
  shares?: string; // the simulated file servers: packages an operator put there stay until purge
  packages?: string; // what the distribution point serves: kept as the shares are
}

export async function recordLabMade(dir: string, projectFiles: string[]): Promise<void> {
  await writeFile(join(dir, MANIFEST), `${JSON.stringify({ project: projectFiles }, null, 2)}\n`);
}

async function readLabMade(dir: string): Promise<string[]> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as { project?: unknown };
    return Array.isArray(parsed.project) ? parsed.project.filter((p): p is string => typeof p === 'string' && !p.startsWith('/') && !p.split('/').includes('..')) : [];
  } catch {
    return [];
  }
}

/** Removes empty folders from `file`'s folder up to (and with) `top`. */
async function pruneEmpty(file: string, top: string): Promise<void> {
  for (let d = dirname(file); d.startsWith(top); d = dirname(d)) {
    const removed = await rmdir(d).then(() => true, () => false);
    if (!removed || d === top) return;
  }
}

/** What is left in a folder: its entries, folders with a trailing '/', sorted; [] when it is gone. */
async function entriesOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
}

/**
 * Removes what the lab made under `dir`. With `purge`, the whole rollout repository goes too. Returns what was
 * kept in the repository (its entries, relative to it), and where.
 */
export async function removeLabMade(dir: string, paths: LabMadePaths, { purge = false }: { purge?: boolean } = {}): Promise<{ kept: string[]; where: string }> {
  await Promise.all([paths.pcs, paths.keys, paths.secrets, paths.knownHosts].map((p) => rm(p, { recursive: true, force: true })));
  if (purge) await Promise.all([paths.project, paths.shares, paths.packages].map((p) => p && rm(p, { recursive: true, force: true })));
  else {
    // an empty share or package folder goes; one with packages stays
    for (const kept of [paths.shares, paths.packages]) if (kept) await rmdir(kept).catch(() => undefined);
    for (const file of await readLabMade(dir)) {
      const abs = join(paths.project, file);
      if (relative(paths.project, abs).startsWith('..')) continue;
      await rm(abs, { force: true });
      await pruneEmpty(abs, paths.project);
    }
  }
  await rm(join(dir, MANIFEST), { force: true });
  return { kept: await entriesOf(paths.project), where: paths.project };
}
