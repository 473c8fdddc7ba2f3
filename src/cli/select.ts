import type { Machine, Project } from '../model/project.js';
import { selectMachines, SelectorError } from '../plan/selector.js';
import { usageError } from './exit.js';

/** The machines a --limit selector picks; `@failed` reads the open cases from the journal. */
export async function selectFromProject(project: Project, selector: string | undefined): Promise<Machine[]> {
  if (!selector || !selector.trim()) return project.machines;
  let failed: Set<string> | undefined;
  if (/(^|,)\s*@failed\s*(,|$)/.test(selector)) {
    // Only @failed needs the journal: plan --limit site=... loads no store.
    const { openJournal } = await import('./journal.js');
    const { openCaseMachines } = await import('../journal/queries.js');
    const store = await openJournal(project, false).catch(() => null);
    failed = store ? await openCaseMachines(store) : new Set();
    await store?.close();
  }
  try {
    return selectMachines(project.machines, selector, { failed });
  } catch (err) {
    if (err instanceof SelectorError) throw usageError(`--limit: ${err.message}`);
    throw err;
  }
}
