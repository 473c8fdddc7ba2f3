import fs from 'node:fs';
import path from 'node:path';

export const PROJECT_FILE = 'homeshift.yaml';

/** Walks up from `start` to the first folder holding homeshift.yaml. */
export function findProjectRoot(start: string): string | null {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, PROJECT_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
