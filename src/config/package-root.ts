import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (holds schema/, profiles/, templates/): dist/config/x.js or src/config/x.ts, two levels up. */
export function findPackageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}
