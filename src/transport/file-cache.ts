import { readFile, stat } from 'node:fs/promises';

/**
 * Files every connection of a run reads (identity file, known_hosts): read and parsed once, again only when the
 * file changed (size or mtime), so 1,000 connections do not parse a 1,000-line known_hosts 1,000 times.
 */
export function createFileCache<T>(parse: (content: Buffer) => T, recheckMs = 500): (file: string) => Promise<T> {
  const cache = new Map<string, { mtimeMs: number; size: number; checked: number; value: T }>();
  return async (file) => {
    const hit = cache.get(file);
    const now = Date.now();
    if (hit && now - hit.checked < recheckMs) return hit.value; // a burst of connects shares one look at the file
    const info = await stat(file);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) {
      hit.checked = now;
      return hit.value;
    }
    const value = parse(await readFile(file));
    cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, checked: now, value });
    return value;
  };
}
