import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileCache } from '../../src/transport/file-cache.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'homeshift-file-cache-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('file cache', () => {
  it('reads and parses a file once for a thousand connects that ask at the same moment, and shares the value', async () => {
    const file = join(dir, 'known_hosts');
    await writeFile(file, 'one\n');
    let parses = 0;
    const read = createFileCache((content) => {
      parses++;
      return { text: content.toString() };
    });
    const values = await Promise.all(Array.from({ length: 1000 }, () => read(file)));
    expect(parses).toBe(1);
    expect(new Set(values).size).toBe(1);
    expect(values[0].text).toBe('one\n');
  });

  it('reads the file again once it changed, and lets a failed read fail every caller that waited for it', async () => {
    const file = join(dir, 'identity');
    await writeFile(file, 'first');
    const read = createFileCache((content) => content.toString(), 0);
    expect(await read(file)).toBe('first');
    await writeFile(file, 'second, longer');
    expect(await read(file)).toBe('second, longer');
    const missing = join(dir, 'missing');
    const results = await Promise.allSettled([read(missing), read(missing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await writeFile(missing, 'now here');
    expect(await read(missing)).toBe('now here'); // a failure is not cached
  });
});
