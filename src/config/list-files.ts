import fs from 'node:fs';
import path from 'node:path';

const YAML_EXT = /\.ya?ml$/i;

/** Whether a path exists and is a folder (or a file). */
export function statKind(abs: string): 'dir' | 'file' | null {
  try {
    const st = fs.statSync(abs);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : null;
  } catch {
    return null;
  }
}

/** The *.yaml/*.yml files directly in a folder, sorted by name. */
export function listYamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && YAML_EXT.test(e.name) && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort()
    .map((name) => path.join(dir, name));
}

/** Every file below a folder as [relative name with '/', absolute path], sorted by relative name. */
export function listFilesDeep(dir: string): [string, string][] {
  const out: [string, string][] = [];
  const walk = (abs: string, rel: string): void => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), childRel);
      else if (e.isFile()) out.push([childRel, path.join(abs, e.name)]);
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
