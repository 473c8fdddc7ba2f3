import { DEFAULT_JOURNAL, resolveJournalPath } from './invoker.js';

/** Where the journal lives: a SQLite file, or a PostgreSQL database for a team. */
export type JournalLocation =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; shown: string }; // shown: the URL without its password, for every message

/** postgres:// and postgresql:// are the two spellings libpq accepts. */
export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text.trim());
}

function parseUrl(text: string): URL | null {
  try {
    return new URL(text.trim());
  } catch {
    return null;
  }
}

/** Does this URL carry a password (postgres://user:secret@host/db, or ?password=)? */
export function urlHasPassword(text: string): boolean {
  const url = parseUrl(text);
  if (!url) return /:\/\/[^/@]*:[^/@]*@/.test(text);
  return url.password !== '' || url.searchParams.has('password');
}

/** The URL as it may be printed: password replaced by ***, a password query parameter dropped. */
export function redactUrl(text: string): string {
  const url = parseUrl(text);
  if (!url) return text.replace(/(:\/\/[^/@:]*):[^/@]*@/, '$1:***@');
  if (url.password) url.password = '***';
  url.searchParams.delete('password');
  return url.toString();
}

/** The journal of a rollout repository: a postgres URL as it is, a file relative to the repository root. */
export function resolveJournalLocation(projectRoot: string, configured?: string | null): JournalLocation {
  const value = configured && configured.trim() ? configured.trim() : DEFAULT_JOURNAL;
  if (isPostgresUrl(value)) return { kind: 'postgres', url: value, shown: redactUrl(value) };
  return { kind: 'sqlite', file: resolveJournalPath(projectRoot, value) };
}
