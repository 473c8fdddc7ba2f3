import { existsSync } from 'node:fs';
import type { EscalationPolicy } from '../journal/escalation.js';
import { localStateFolder, resolveJournalLocation, type JournalLocation } from '../journal/location.js';
import { createCaseRouter } from '../journal/routing.js';
import { JournalError, type CaseContext, type JournalStore } from '../journal/store.js';
import { describeInvoker } from '../journal/invoker.js';
import type { Project } from '../model/project.js';
import { resolveSecrets, SecretError } from '../run/secrets.js';
import { CliError, EXIT } from './exit.js';

/** What the journal needs of a rollout repository: its root and homeshift.yaml. */
export type JournalProject = Pick<Project, 'root' | 'config'>;

/** homeshift.yaml's `journal:` (or HOMESHIFT_JOURNAL): a SQLite file or a PostgreSQL URL. */
export function journalLocationOf(project: JournalProject): JournalLocation {
  return resolveJournalLocation(project.root, project.config.journal);
}

/** Where per-machine log files go: next to a SQLite journal, in the repository's .homeshift/ for a PostgreSQL one. */
export function logFolderOf(project: JournalProject): string {
  return localStateFolder(project.root, journalLocationOf(project));
}

/** The PostgreSQL password from a declared secret, when homeshift.yaml names one; else libpq's own sources. */
function journalPassword(project: JournalProject): string | undefined {
  const name = project.config.journalPasswordSecret;
  if (name === undefined) return undefined;
  try {
    return resolveSecrets(project.config.secrets, [name], project.root)[name];
  } catch (err) {
    if (err instanceof SecretError) throw new CliError(`journal: ${err.message}; nothing was touched`, EXIT.invalid);
    throw err;
  }
}

/** Opens a journal at `location` (any store); a journal that cannot be used is one message and exit 2. */
export async function openJournalAt(location: JournalLocation, create: boolean, password?: string): Promise<JournalStore> {
  try {
    // Each store's client library loads only when that store is opened.
    if (location.kind === 'postgres') return await (await import('../journal/postgres-store.js')).openPostgresStore(location.url, { password });
    const { openSqliteStore } = await import('../journal/sqlite-store.js');
    if (!create && !existsSync(location.file)) return await openSqliteStore(':memory:');
    return await openSqliteStore(location.file, { create });
  } catch (err) {
    if (!(err instanceof JournalError)) throw err;
    if (location.kind === 'postgres') throw new CliError(`journal ${err.message}; nothing was touched`, EXIT.invalid);
    throw new CliError(err.message, create ? EXIT.internal : EXIT.invalid);
  }
}

/**
 * The rollout repository's journal; `create: false` for the commands that only read it: before the first rollout
 * they read an empty SQLite journal (every machine never tried) and leave no file behind.
 */
export async function openJournal(project: JournalProject, create: boolean): Promise<JournalStore> {
  const location = journalLocationOf(project);
  return openJournalAt(location, create, location.kind === 'postgres' ? journalPassword(project) : undefined);
}

export function escalationOf(project: JournalProject): EscalationPolicy {
  return { after: project.config.escalateAfter, afterAttempts: project.config.escalateAfterAttempts };
}

/**
 * Who gets a new case: homeshift.yaml's routing rules, else the site's supporters, where the first supporter owns
 * the cases (the second is who they escalate to); a group's loads are the journal's open cases.
 */
export async function caseContextOf(project: Project, store: JournalStore): Promise<CaseContext> {
  const open = await store.listCases({ status: 'open' });
  const route = createCaseRouter({
    routing: project.config.routing ?? { groups: {}, rules: [] },
    supporters: (site) => (project.sites.get(site)?.supporters.slice(0, 1) ?? []).map((s) => `${s.name} <${s.email}>`),
    openOwners: open.map((c) => c.owner),
  });
  return { route, escalateAfterAttempts: project.config.escalateAfterAttempts };
}

/** Records in each escalated case's history who it escalated to (once per target); the machines it recorded. */
export async function recordCaseEscalations(project: Project, store: JournalStore, now: Date): Promise<string[]> {
  const supporters = (site: string) => project.sites.get(site)?.supporters ?? [];
  // Loaded here, not at the top: status and errors share this module and must not load the mail library.
  const { gatherCases, recordEscalations } = await import('../cases/notify.js');
  const cases = await gatherCases({ store, routing: project.config.routing, supporters, policy: escalationOf(project), now });
  return recordEscalations(store, cases, now, describeInvoker());
}

/** Opens the journal for the length of `work` and closes it whatever happens. */
export async function withJournal<T>(project: JournalProject, create: boolean, work: (store: JournalStore) => Promise<T>): Promise<T> {
  const store = await openJournal(project, create);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
