/** Installer files for lab PCs, of a given size, and their hashes: what the package-source tests serve and push. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A lab package of `size` bytes: its header (KEY=value lines, or a .deb's control fields), then filler lines. */
export function labPackage(header: string, size: number): Buffer {
  const head = Buffer.from(header);
  const filler = Buffer.from(randomBytes(Math.ceil((size - head.length) / 2)).toString('hex').slice(0, size - head.length).replace(/(.{127})./g, '$1\n'));
  return Buffer.concat([head, filler]);
}

export const sha = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

export async function put(file: string, data: string | Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, data);
}
