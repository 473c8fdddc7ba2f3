import path from 'node:path';
import { PROJECT_FILE } from './find-project.js';
import { listFilesDeep, listYamlFiles, statKind } from './list-files.js';
import { findPackageRoot } from './package-root.js';
import type { ProjectConfig } from '../model/project.js';

/** One input of loadProject: a file it reads, or a path it looked for and did not find. */
export interface InputFile {
  abs: string;
  exists: boolean;
}

/**
 * Every file loadProject may read for this homeshift.yaml, in a fixed order: the same inventory files, the directory,
 * and every file below the profile, bundle and template folders (the shipped ones included). Folders are taken whole,
 * which is more than the loaders read, never less: a file this list misses could change a plan unseen.
 */
export function listInputFiles(root: string, config: ProjectConfig, shippedDir: string = findPackageRoot()): InputFile[] {
  const out: InputFile[] = [];
  const seen = new Set<string>();
  const add = (abs: string, exists: boolean): void => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ abs, exists });
  };
  add(path.join(root, PROJECT_FILE), true);
  for (const entry of config.inventory) {
    const abs = path.resolve(root, entry);
    const kind = statKind(abs);
    if (kind === 'dir') for (const file of listYamlFiles(abs)) add(file, true);
    else add(abs, kind === 'file');
  }
  const directory = path.resolve(root, config.directory);
  add(directory, statKind(directory) === 'file');
  const shipped = path.resolve(shippedDir);
  const folders = [
    ...config.profiles, ...config.bundles, ...config.templates,
  ].map((entry) => path.resolve(root, entry)).concat(['profiles', 'templates'].map((f) => path.join(shipped, f)));
  for (const dir of folders) {
    if (statKind(dir) !== 'dir') add(dir, false);
    else for (const [, abs] of listFilesDeep(dir)) add(abs, true);
  }
  return out;
}
