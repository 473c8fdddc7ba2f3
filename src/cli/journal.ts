import { existsSync } from 'node:fs';
import { openSqliteStore, resolveJournalPath, type EscalationPolicy, type JournalStore } from '../journal/index.js';
import { JournalError } from '../journal/store.js';
import type { Project } from '../model/project.js';
import { CliError, EXIT } from './exit.js';

/**
 * The rollout repository's journal; `create: false` for the commands that only read it: before the first rollout
 * they read an empty journal (every machine never tried) and leave no file behind.
 */
export async function openJournal(project: Project, create: boolean): Promise<JournalStore> {
  const location = resolveJournalPath(project.root, project.config.journal);
  try {
    if (!create && !existsSync(location)) return await openSqliteStore(':memory:');
    return await openSqliteStore(location, { create });
  } catch (err) {
    if (err instanceof JournalError) throw new CliError(err.message, create ? EXIT.internal : EXIT.invalid);
    throw err;
  }
}

export function escalationOf(project: Project): EscalationPolicy {
  return { after: project.config.escalateAfter, afterAttempts: project.config.escalateAfterAttempts };
}

/** The owner of a site's cases: its first supporter. */
export function ownerForSite(project: Project): (site: string) => string | null {
  return (site) => {
    const s = project.sites.get(site)?.supporters[0];
    return s ? `${s.name} <${s.email}>` : null;
  };
}

/** Opens the journal for the length of `work` and closes it whatever happens. */
export async function withJournal<T>(project: Project, create: boolean, work: (store: JournalStore) => Promise<T>): Promise<T> {
  const store = await openJournal(project, create);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
