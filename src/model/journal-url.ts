/** PostgreSQL journal URLs: recognised, checked for a password, and shown without it. */

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
