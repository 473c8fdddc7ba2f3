import type pg from 'pg';

/** node-postgres settings from a postgres:// URL. The password is left out: it comes from the caller or libpq's sources. */
export function connectionConfig(url: string): pg.PoolConfig {
  const u = new URL(url.trim());
  const config: pg.PoolConfig = {};
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host) config.host = host;
  if (u.port) config.port = Number(u.port);
  if (u.username) config.user = decodeURIComponent(u.username);
  if (u.password) config.password = decodeURIComponent(u.password); // HOMESHIFT_JOURNAL may carry one; never printed
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database) config.database = database;
  const sslmode = u.searchParams.get('sslmode');
  if (sslmode === 'require' || sslmode === 'prefer') config.ssl = { rejectUnauthorized: false };
  if (sslmode === 'verify-ca' || sslmode === 'verify-full') config.ssl = { rejectUnauthorized: true };
  return config;
}

const PASSWORD_HINT = 'set PGPASSWORD, add the password to ~/.pgpass, or name a secret under journalPasswordSecret in homeshift.yaml';

/** One line for people about why the journal database could not be used. */
export function describePgError(err: unknown, config: pg.PoolConfig): string {
  const e = err as { code?: string; message?: string };
  const where = `${config.host ?? 'localhost'}:${config.port ?? 5432}`;
  const user = config.user ?? process.env.PGUSER ?? 'the current user';
  const message = e.message ?? String(err);
  switch (e.code) {
    case 'ECONNREFUSED': return `cannot reach the journal server at ${where}: connection refused`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN': return `cannot reach the journal server: unknown host ${config.host}`;
    case 'ETIMEDOUT': return `cannot reach the journal server at ${where}: timed out`;
    case '28P01': return `password authentication failed for user ${user}: ${PASSWORD_HINT}`;
    case '28000': return `the server refused user ${user}: ${message}`;
    case '3D000': return `database ${config.database ?? user} does not exist on ${where} (create it: createdb ${config.database ?? user})`;
    case '42501': return `user ${user} may not create the journal's tables: ${message}`;
    default: break;
  }
  if (/client password must be a string|password must be a string/i.test(message)) return `the server at ${where} asks user ${user} for a password: ${PASSWORD_HINT}`;
  if (/timeout/i.test(message)) return `cannot reach the journal server at ${where}: no answer (${message})`;
  return `cannot use the journal database: ${message}`;
}
