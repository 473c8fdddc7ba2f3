import { execFileSync } from 'node:child_process';
import { ownerFilter, OwnerError } from '../model/owner.js';
import { usageError } from './exit.js';
import type { JournalProject } from './journal.js';

/**
 * The supporter running homeshift, for `--owner me`, `@mine` and `case assign --to me`: HOMESHIFT_ME (a mail
 * address), else git's user.email as the rollout repository (or the user's global git config) has it.
 */
export function supporterIdentity(cwd: string): string | null {
  const fromEnv = process.env.HOMESHIFT_ME?.trim();
  if (fromEnv) return fromEnv.toLowerCase();
  try {
    const email = execFileSync('git', ['config', 'user.email'], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    return email ? email.toLowerCase() : null;
  } catch {
    return null; // no git, or no user.email
  }
}

/** `--owner SPEC` of a project as a filter of case owners; a spec that cannot be read is a usage error. */
export function ownerOption(project: JournalProject, spec: string | undefined): ((owner: string | null) => boolean) | undefined {
  if (spec === undefined) return undefined;
  try {
    return ownerFilter(spec, { me: () => supporterIdentity(project.root), groups: project.config.routing?.groups ?? {} });
  } catch (err) {
    if (err instanceof OwnerError) throw usageError(err.message);
    throw err;
  }
}

export const OWNER_HELP = 'only the cases of: me (HOMESHIFT_ME or git user.email), a mail address, a supporter\'s name, or a routing group (its queue and its members)';
