/** Installer files for lab PCs, of a given size, and their hashes: what the package-source tests serve and push. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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

/** Every lab PC of the repository and its employee get this role (a profile the test writes). */
export async function giveEveryPcRole(projectDir: string, role: string): Promise<void> {
  const inventory = join(projectDir, 'inventory');
  for (const file of await readdir(inventory)) {
    const path = join(inventory, file);
    await writeFile(path, (await readFile(path, 'utf8')).replace(/role: [a-z-]+/g, `role: ${role}`));
  }
  const csv = join(projectDir, 'directory', 'employees.csv');
  const rows = (await readFile(csv, 'utf8')).split('\n');
  await writeFile(csv, rows.map((row, i) => (i === 0 || !row ? row : row.replace(/,[^,]*$/, `,${role}`))).join('\n'));
}
