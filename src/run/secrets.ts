import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SecretSource } from '../model/project.js';

export class SecretError extends Error {}

/** A secret the plan needs that cannot be read: its name and, in the message, where it should come from. */
export interface SecretProblem {
  secret: string;
  message: string;
}

/** Reads every secret the plan needs; what cannot be read is a problem naming the secret and its source. */
export function readSecrets(
  sources: Record<string, SecretSource>,
  names: Iterable<string>,
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): { values: Record<string, string>; problems: SecretProblem[] } {
  const values: Record<string, string> = {};
  const problems: SecretProblem[] = [];
  for (const name of [...new Set(names)].sort()) {
    const source = sources[name];
    const problem = (message: string) => problems.push({ secret: name, message: `secret ${name}: ${message}` });
    if (!source) {
      problems.push({ secret: name, message: `secret ${name} is used by a profile but not declared under secrets: in homeshift.yaml` });
      continue;
    }
    if ('env' in source) {
      const value = env[source.env];
      if (value === undefined || value === '') problem(`environment variable ${source.env} is not set`);
      else values[name] = value;
    } else {
      const file = isAbsolute(source.file) ? source.file : resolve(projectRoot, source.file);
      try {
        values[name] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        problem(`cannot read ${source.file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      }
    }
  }
  return { values, problems };
}

/** Reads the secrets the plan needs from the environment or files named in homeshift.yaml, at run time only. */
export function resolveSecrets(
  sources: Record<string, SecretSource>,
  names: Iterable<string>,
  projectRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const { values, problems } = readSecrets(sources, names, projectRoot, env);
  if (problems.length > 0) throw new SecretError(problems.map((p) => p.message).join('\n'));
  return values;
}
