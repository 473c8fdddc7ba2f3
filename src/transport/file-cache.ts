import { readFile, stat } from 'node:fs/promises';

/**
 * Files every connection of a run reads (identity file, known_hosts): read and parsed once, again only when the
 * file changed (size or mtime), so 1,000 connections do not parse a 1,000-line known_hosts 1,000 times.
 * Connects that ask at the same moment share the one look in flight: a thousand at once would otherwise each read
 * and parse the file, and each keep its own parse alive for as long as its connection lives.
 */
export function createFileCache<T>(parse: (content: Buffer) => T, recheckMs = 500): (file: string) => Promise<T> {
  const cache = new Map<string, { mtimeMs: number; size: number; checked: number; value: T }>();
  const looking = new Map<string, Promise<T>>();
  const look = async (file: string): Promise<T> => {
    const hit = cache.get(file);
    const info = await stat(file);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) {
      hit.checked = Date.now();
      return hit.value;
    }
    const value = parse(await readFile(file));
    cache.set(file, { mtimeMs: info.mtimeMs, size: info.size, checked: Date.now(), value });
    return value;
  };
  return (file) => {
    const hit = cache.get(file);
    if (hit && Date.now() - hit.checked < recheckMs) return Promise.resolve(hit.value); // a burst of connects shares one look at the file
    const pending = looking.get(file);
    if (pending) return pending;
    const next = look(file).finally(() => looking.delete(file));
    looking.set(file, next);
    return next;
  };
}
