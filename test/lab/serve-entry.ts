import { mkdir, mkdtemp, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { transformFile } from '@swc/core';

/**
 * The background lab process needs JavaScript: transpile src/ into a throw-away folder (no type
 * check, like jest does) and write a tiny entry that calls serveLab(dir) as `lab serve` does.
 */
export async function buildServeEntry(): Promise<{ out: string; entry: string }> {
  const repo = process.cwd();
  const out = await mkdtemp(join(tmpdir(), 'hs-lab-build-'));
  for (const file of await listTs(join(repo, 'src'))) {
    const target = join(out, relative(repo, file)).replace(/\.ts$/, '.js');
    const code = await transformFile(file, {
      swcrc: false,
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      module: { type: 'es6' },
    }).then((r) => r.code, () => null); // a file being edited elsewhere may not parse right now
    if (code === null) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, code);
  }
  await symlink(join(repo, 'node_modules'), join(out, 'node_modules'));
  await symlink(join(repo, 'schema'), join(out, 'schema')); // lab up copies the schemas into its repository
  await writeFile(join(out, 'package.json'), '{ "type": "module" }\n');
  const entry = join(out, 'serve.js');
  await writeFile(
    entry,
    [
      "import { serveLab } from './src/lab/serve-lab.js';",
      'serveLab(process.argv[2], { log: (line) => console.log(line) }).catch((error) => {',
      '  console.error(`lab: ${error.message}`);',
      '  process.exitCode = 1;',
      '});',
    ].join('\n'),
  );
  return { out, entry };
}

async function listTs(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listTs(path)));
    else if (entry.name.endsWith('.ts')) files.push(path);
  }
  return files;
}
