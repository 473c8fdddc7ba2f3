import { createRequire } from 'node:module';
import type Picomatch from 'picomatch';

// Loaded with the first pattern: plan and rollout of all machines never need it.
let loadedPicomatch: typeof Picomatch | null = null;
const picomatch = (pattern: string, options?: Picomatch.PicomatchOptions) => (loadedPicomatch ??= createRequire(import.meta.url)('picomatch') as typeof Picomatch)(pattern, options);
import type { Machine } from '../model/project.js';
import { nearestNames } from '../model/suggest.js';

/** A --limit selector that cannot be read; col is 1-based within the selector text. */
export class SelectorError extends Error {
  constructor(message: string, readonly selector: string, readonly col: number) {
    super(`invalid selector "${selector}" at column ${col}: ${message}`);
    this.name = 'SelectorError';
  }
}

type Kind = 'id' | 'site' | 'role' | 'os' | 'host' | 'user' | JournalSet | 'file';

/**
 * Selectors the journal answers: @failed (an open case), @stale (succeeded on an older plan), @reboot (waits for a
 * restart), @mine (an open case the supporter running homeshift owns, alone or through a group).
 */
export type JournalSet = 'failed' | 'stale' | 'reboot' | 'mine';
export const JOURNAL_SETS: readonly JournalSet[] = ['failed', 'stale', 'reboot', 'mine'];
const KINDS: readonly Kind[] = ['id', 'site', 'role', 'os', 'host', 'user'];

/** What a selector reads of a machine: status selects from these as kept in its cache, without the inventory. */
export type Selectable = Pick<Machine, 'id' | 'site' | 'role' | 'os' | 'host' | 'user' | 'retire'>;

export interface SelectorTerm {
  kind: Kind;
  pattern: string;
  col: number; // 1-based start of the term within the selector
}

/**
 * site=bruehl,role=hotline-agent,os=linux,BRU-*,@failed,@FILE: comma is AND across kinds, OR within one kind
 * (each journal set is a kind of its own: @failed,@mine is my open cases);
 * `@FILE` (a list of machine ids, read by the caller) counts as ids, so `@batch.txt,BRU-D0042` is both.
 */
export function parseSelector(selector: string): SelectorTerm[] {
  const terms: SelectorTerm[] = [];
  let col = 1;
  for (const raw of selector.split(',')) {
    const text = raw.trim();
    const at = col + (raw.length - raw.trimStart().length);
    col += raw.length + 1;
    if (!text) throw new SelectorError('empty term', selector, at);
    if (text.startsWith('@')) {
      if (text === '@') throw new SelectorError('@ needs a file of machine ids (@FILE), @failed, @stale, @reboot or @mine', selector, at);
      const set = JOURNAL_SETS.find((name) => text === `@${name}`);
      terms.push(set ? { kind: set, pattern: '', col: at } : { kind: 'file', pattern: text.slice(1), col: at });
      continue;
    }
    const eq = text.indexOf('=');
    if (eq < 0) {
      terms.push({ kind: 'id', pattern: text, col: at });
      continue;
    }
    const key = text.slice(0, eq).trim() as Kind;
    const pattern = text.slice(eq + 1).trim();
    if (!KINDS.includes(key)) throw new SelectorError(`unknown key ${key} (known: ${KINDS.join(', ')})`, selector, at);
    if (!pattern) throw new SelectorError(`${key}= needs a value`, selector, at);
    if (key === 'os' && !picomatch(pattern)('linux') && !picomatch(pattern)('windows')) {
      throw new SelectorError(`os must be linux or windows, not ${pattern}`, selector, at + eq + 1);
    }
    terms.push({ kind: key, pattern, col: at });
  }
  return terms;
}

type FieldKind = Exclude<Kind, JournalSet | 'file'>;

export function isJournalSet(kind: string): kind is JournalSet {
  return (JOURNAL_SETS as readonly string[]).includes(kind);
}

function field(machine: Selectable, kind: FieldKind): string {
  return kind === 'id' ? machine.id : machine[kind];
}

const GLOB_START = /[*?[\]{}()!+@]/;
const NOUN: Record<FieldKind, string> = { id: 'machine id', site: 'site', role: 'role', os: 'os', host: 'host', user: 'user' };

/** "no site matches hamburg; did you mean bruehl?": the nearest known values, a glob's literal start compared alike. */
function namesNothing(machines: readonly Selectable[], kind: FieldKind, pattern: string): string {
  const glob = pattern.search(GLOB_START);
  const literal = glob < 0 ? pattern : pattern.slice(0, glob);
  const rest = glob < 0 ? '' : pattern.slice(glob);
  const known = new Set(machines.map((m) => field(m, kind).slice(0, glob < 0 ? undefined : literal.length)));
  const nearest = nearestNames(literal, known).map((k) => k + rest);
  const hint = nearest.length > 0 ? `; did you mean ${nearest.join(', ')}?` : ' (the inventory has no machines)';
  return `no ${NOUN[kind]} matches ${pattern}${hint}`;
}

/**
 * The machines a selector names, in their given order. `@failed`, `@stale`, `@reboot`, `@mine` need the journal's
 * set of that name (`journal`; `failed` alone is accepted too), each `@FILE` the ids read from that file (`files`,
 * by the name as written after the @).
 */
export function selectMachines<M extends Selectable>(
  machines: M[], selector: string, opts: { failed?: Set<string>; journal?: Map<JournalSet, Set<string>>; files?: Map<string, Set<string>> } = {},
): M[] {
  const terms = parseSelector(selector);
  const byKind = new Map<Kind, ((m: Selectable) => boolean)[]>();
  for (const term of terms) {
    let test: (m: Selectable) => boolean;
    if (isJournalSet(term.kind)) {
      const set = opts.journal?.get(term.kind) ?? (term.kind === 'failed' ? opts.failed : undefined);
      if (!set) throw new SelectorError(`@${term.kind} needs the journal of an earlier run`, selector, term.col);
      test = (m) => set.has(m.id);
    } else if (term.kind === 'file') {
      const listed = opts.files?.get(term.pattern);
      if (!listed) throw new SelectorError(`@${term.pattern}: the file's machine ids were not read`, selector, term.col);
      test = (m) => listed.has(m.id);
    } else {
      const kind = term.kind;
      const match = picomatch(term.pattern, { nocase: kind !== 'os', dot: true });
      test = (m) => match(field(m, kind));
      if (!machines.some(test)) throw new SelectorError(namesNothing(machines, kind, term.pattern), selector, term.col);
    }
    const group = term.kind === 'file' ? 'id' : term.kind;
    byKind.set(group, [...(byKind.get(group) ?? []), test]);
  }
  const groups = [...byKind.values()];
  return machines.filter((m) => groups.every((tests) => tests.some((t) => t(m))));
}
