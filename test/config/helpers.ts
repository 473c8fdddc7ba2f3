import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject, type LoadResult } from '../../src/config/index.js';
import { formatDiagnostic } from '../../src/model/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.resolve(here, '..', 'fixtures', 'config');
export const GOOD = path.join(FIXTURES, 'good');
export const SHIPPED = path.join(FIXTURES, 'shipped');
export const REPO_ROOT = path.resolve(here, '..', '..');

const made: string[] = [];

/** A copy of the good fixture in a temp folder, with some files replaced (null deletes). */
export function makeRepo(files: Record<string, string | Buffer | null> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-config-'));
  made.push(dir);
  fs.cpSync(GOOD, dir, { recursive: true });
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, rel);
    if (content === null) fs.rmSync(abs, { recursive: true, force: true });
    else {
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
    }
  }
  return dir;
}

export function removeRepos(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export async function loadRepo(dir: string): Promise<LoadResult> {
  return loadProject({ projectDir: dir, shippedDir: SHIPPED });
}

export function lines(result: LoadResult): string[] {
  return result.diagnostics.map(formatDiagnostic);
}
