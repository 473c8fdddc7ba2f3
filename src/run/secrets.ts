import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SecretSource } from '../model/project.js';

export class SecretError extends Error {}

/** Reads the secrets the plan needs from the environment or files named in homeshift.yaml, at run time only. */
export function resolveSecrets(
  sources: Record<string, SecretSource>,
  names: Iterable<string>,
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const name of [...new Set(names)].sort()) {
    const source = sources[name];
    if (!source) {
      problems.push(`secret ${name} is used by a profile but not declared under secrets: in homeshift.yaml`);
      continue;
    }
    if ('env' in source) {
      const value = env[source.env];
      if (value === undefined || value === '') problems.push(`secret ${name}: environment variable ${source.env} is not set`);
      else values[name] = value;
    } else {
      const file = isAbsolute(source.file) ? source.file : resolve(projectRoot, source.file);
      try {
        values[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        problems.push(`secret ${name}: cannot read ${source.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  if (problems.length > 0) throw new SecretError(problems.join('\n'));
  return values;
}
