import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | null = null;

/** The installed package's root (holds schema/, profiles/, templates/): the nearest folder above this file with all three. */
export function findPackageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'schema')) && existsSync(path.join(dir, 'profiles')) && existsSync(path.join(dir, 'package.json'))) return (cached = dir);
    const up = path.dirname(dir);
    if (up === dir) return (cached = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
    dir = up;
  }
}
