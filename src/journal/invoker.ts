import { hostname, userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';

/** Who started a run: os user@host. */
export function describeInvoker(): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? 'unknown'; // containers without a passwd entry
  }
  return `${user}@${hostname()}`;
}

/** Whether a process of this machine still runs (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A sortable, readable run id in UTC: 20261121-171502-a3f9. */
export function createRunId(now: Date = new Date()): string {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

export const DEFAULT_JOURNAL = '.homeshift/journal.db';

/** The journal file of a rollout repository: homeshift.yaml's `journal`, relative to the repository root. */
export function resolveJournalPath(projectRoot: string, configured?: string | null): string {
  const file = configured && configured.trim() ? configured : DEFAULT_JOURNAL;
  return isAbsolute(file) ? file : resolve(join(projectRoot, file));
}
