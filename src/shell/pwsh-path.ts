import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * PowerShell 7 on the control machine: the lab's Windows PCs run their programs in it, and validate parses
 * Windows templates with its parser. Looked up on PATH, then where `dotnet tool install --global` puts it.
 */
export const PWSH_HINT = 'install PowerShell 7 with: dotnet tool install --global PowerShell --version 7.6.9 (binary in ~/.dotnet/tools)';

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let cached: string | null | undefined;

/** The pwsh binary to use, or null when there is none; HOMESHIFT_PWSH names one explicitly. */
export function findPwsh(env: NodeJS.ProcessEnv = process.env): string | null {
  if (env === process.env && cached !== undefined) return cached;
  const explicit = env.HOMESHIFT_PWSH;
  let found: string | null = null;
  if (explicit) found = executable(explicit) ? explicit : null;
  else {
    const dirs = (env.PATH ?? '').split(delimiter).filter(Boolean);
    dirs.push(join(homedir(), '.dotnet', 'tools'));
    for (const dir of dirs) {
      const file = join(dir, 'pwsh');
      if (executable(file)) {
        found = file;
        break;
      }
    }
  }
  if (env === process.env) cached = found;
  return found;
}
