import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformFileSync } from '@swc/core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Compile src/model and src/journal to plain ESM in `dir` so a child process can run the real journal code. */
export function compileJournal(dir: string): string {
  for (const folder of ['src/model', 'src/journal']) {
    for (const name of readdirSync(join(ROOT, folder)).filter((f) => f.endsWith('.ts'))) {
      const out = join(dir, folder, name.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(out), { recursive: true });
      const { code } = transformFileSync(join(ROOT, folder, name), {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      });
      writeFileSync(out, code);
    }
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return join(dir, 'src/journal/index.js');
}
