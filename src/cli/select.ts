import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Machine, Project } from '../model/project.js';
import { printable } from '../model/printable.js';
import { didYouMean, knownName } from '../model/suggest.js';
import { isJournalSet, parseSelector, selectMachines, SelectorError, type JournalSet, type Selectable } from '../plan/selector.js';
import type { JournalStore } from '../journal/store.js';
import { ownerFilter, OwnerError } from '../model/owner.js';
import type { JournalProject } from './journal.js';
import { usageError } from './exit.js';
import { supporterIdentity } from './identity.js';

export const LIMIT_HELP = 'site=NAME, role=NAME, os=windows|linux, id globs like BRU-*, @failed, @stale, @reboot, @mine, @FILE (one id per line); comma-combined';

/** `-l, --limit SEL`: the one selector option of every command that picks PCs. */
export function addLimitOption(cmd: Command): Command {
  return cmd.option('-l, --limit <selector>', LIMIT_HELP);
}

/**
 * The machine ids of an `@FILE` list: one per line, blank lines and `#` comments ignored, matched to the
 * inventory regardless of case. An id the inventory lacks is a usage error at FILE:LINE.
 */
export function readIdFile(file: string, machines: readonly Pick<Machine, 'id'>[]): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`--limit @${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const known = machines.map((m) => m.id);
  const ids = new Set<string>();
  text.split(/\r?\n/).forEach((line, i) => {
    const id = line.replace(/#.*$/, '').trim();
    if (!id) return;
    const found = knownName(id, known);
    if (!found) throw usageError(`${file}:${i + 1}: --limit: no machine ${printable(id)} in the inventory${didYouMean(id, known)}`);
    ids.add(found);
  });
  if (ids.size === 0) throw usageError(`--limit @${file}: the file names no machine (one id per line)`);
  return ids;
}

/** The machines a --limit selector picks; `@failed` reads the open cases from the journal, `@FILE` a list of ids. */
export async function selectFromProject(project: Project, selector: string | undefined): Promise<Machine[]> {
  return selectFrom(project.machines, project, selector);
}

/** The machine ids of a journal set: @failed, @stale (against the current plan hashes), @reboot, @mine. */
async function journalSet(store: JournalStore, set: JournalSet, journal: JournalProject, planHashes: () => Map<string, string>): Promise<Set<string>> {
  switch (set) {
    case 'failed': return new Set((await store.listCases({ status: 'open' })).map((c) => c.machine));
    case 'reboot': return new Set((await store.rebootPending()).map((r) => r.machine));
    case 'stale': {
      const current = planHashes();
      return new Set((await store.listMachineStates()).filter((m) => current.has(m.machine) && current.get(m.machine) !== m.lastSuccessPlanHash).map((m) => m.machine));
    }
    case 'mine': {
      const mine = ownerFilter('me', { me: () => supporterIdentity(journal.root), groups: journal.config.routing?.groups ?? {} });
      return new Set((await store.listCases({ status: 'open' })).filter((c) => mine(c.owner)).map((c) => c.machine));
    }
  }
}

/**
 * The same for any list of machines (status selects from its cache); `journal` says where @failed and the other
 * journal sets are read; @stale compares with `planHashes` (computed from the project when it is one and none are given).
 */
export async function selectFrom<M extends Selectable>(machines: M[], journal: JournalProject, selector: string | undefined, planHashes?: Map<string, string>): Promise<M[]> {
  if (!selector || !selector.trim()) return machines;
  try {
    const terms = parseSelector(selector);
    const sets = [...new Set(terms.map((t) => t.kind).filter(isJournalSet))];
    const fromJournal = new Map<JournalSet, Set<string>>();
    if (sets.length > 0) {
      // Only the journal sets need the journal: plan --limit site=... loads no store.
      const { openJournal } = await import('./journal.js');
      const hashes = async () => {
        if (planHashes) return planHashes;
        if (!('machines' in journal)) throw usageError('--limit @stale needs a valid inventory to know the current plans');
        return (await import('../plan/plan-hashes.js')).planHashes(journal as Project);
      };
      const current = sets.includes('stale') ? await hashes() : new Map<string, string>();
      const store = await openJournal(journal, false).catch(() => null);
      try {
        for (const set of sets) fromJournal.set(set, store ? await journalSet(store, set, journal, () => current) : new Set());
      } finally {
        await store?.close();
      }
    }
    const files = new Map(terms.filter((t) => t.kind === 'file').map((t) => [t.pattern, readIdFile(t.pattern, machines)]));
    const selected = selectMachines(machines, selector, { journal: fromJournal, files });
    // Each part names something, yet together they select nothing (site=bruehl,KOE-*): a mistake, not an empty batch.
    // An empty journal set is a fact of the journal (nothing is open), not a typo.
    if (selected.length === 0 && sets.length === 0) {
      throw usageError(`--limit: ${printable(selector)} selects no machine: its parts name machines, but none has them all`);
    }
    return selected;
  } catch (err) {
    if (err instanceof SelectorError) throw usageError(`--limit: ${err.message}`);
    if (err instanceof OwnerError) throw usageError(`--limit @mine: ${err.message.replace(/^--owner me: /, '')}`);
    throw err;
  }
}

/** The inventory id a typed machine id means (any case), or a usage error with the nearest ids. */
export function machineIdOf(project: Pick<Project, 'machines'>, typed: string, extra: Iterable<string> = []): string {
  const known = [...project.machines.map((m) => m.id), ...extra];
  const found = knownName(typed, known);
  if (!found) throw usageError(`no machine ${printable(typed)} in the inventory${didYouMean(typed, known)}`);
  return found;
}
