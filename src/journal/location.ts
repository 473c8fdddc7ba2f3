import { dirname, join } from 'node:path';
import { isPostgresUrl, redactUrl } from '../model/journal-url.js';
import { DEFAULT_JOURNAL, resolveJournalPath } from './invoker.js';

export { isPostgresUrl, redactUrl, urlHasPassword } from '../model/journal-url.js';

/** Where the journal lives: a SQLite file, or a PostgreSQL database for a team. */
export type JournalLocation =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; shown: string }; // shown: the URL without its password, for every message

/** The journal of a rollout repository: a postgres URL as it is, a file relative to the repository root. */
export function resolveJournalLocation(projectRoot: string, configured?: string | null): JournalLocation {
  const value = configured && configured.trim() ? configured.trim() : DEFAULT_JOURNAL;
  if (isPostgresUrl(value)) return { kind: 'postgres', url: value, shown: redactUrl(value) };
  return { kind: 'sqlite', file: resolveJournalPath(projectRoot, value) };
}

/**
 * The folder of a repository's local state (per-machine logs, caches): next to a SQLite journal, the repository's
 * .homeshift/ for a PostgreSQL one.
 */
export function localStateFolder(projectRoot: string, location: JournalLocation): string {
  return location.kind === 'sqlite' ? dirname(location.file) : join(projectRoot, '.homeshift');
}
