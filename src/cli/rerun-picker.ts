import { checkbox } from '@inquirer/prompts';
import { listErrors, type JournalStore } from '../journal/index.js';
import type { ErrorGroup } from '../journal/queries.js';
import { printable } from '../model/printable.js';
import type { Project } from '../model/project.js';
import { escalationOf } from './journal.js';

/** On a terminal without filters: choose the causes to re-run (and with them their machines). */
export async function pickRerun(store: JournalStore, project: Project): Promise<string[]> {
  const list = await listErrors(store, { group: true, now: new Date(), escalation: escalationOf(project) });
  if (!list.grouped || list.groups.length === 0) return [];
  const causes = await checkbox({
    message: 'Which causes are fixed? (space selects, enter re-runs)',
    choices: list.groups.map((g) => ({ name: causeChoice(g), value: g.fingerprint, checked: false })),
    required: true,
  });
  return causes;
}

/** One cause as the picker lists it: its pattern with one machine's message beside it, so `<host>` reads as a name. */
export function causeChoice(g: Pick<ErrorGroup, 'count' | 'cause' | 'example' | 'fingerprint' | 'sites'>): string {
  const example = g.example && g.example !== g.cause ? `  e.g. "${printable(g.example)}"` : '';
  return `${g.count} × ${printable(g.cause)}${example}  [${g.fingerprint}]  sites: ${g.sites.join(', ')}`;
}
