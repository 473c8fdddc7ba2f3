import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { copyJournal, isPostgresUrl, missingAfterCopy, resolveJournalLocation, type JournalLocation, type JournalStore } from '../journal/index.js';
import { CliError, EXIT, inputError, setExit, usageError } from './exit.js';
import { journalLocationOf, openJournal, openJournalAt } from './journal.js';
import { createOutput, type Output } from './output.js';
import { globalOptions, requireProjectConfig, type GlobalOptions } from './project.js';

interface CopyOptions {
  to: string;
  from?: string;
  merge?: boolean;
}

/** A journal named on the command line: a postgres:// URL, or a SQLite file relative to the current folder. */
function locationOf(text: string): JournalLocation {
  if (!text.trim()) throw usageError('journal copy: name a journal: a SQLite file or a postgres:// URL');
  return resolveJournalLocation(process.cwd(), isPostgresUrl(text) ? text : resolve(process.cwd(), text));
}

const shown = (l: JournalLocation): string => (l.kind === 'postgres' ? l.shown : l.file);

/** The journal to copy: --from, or the rollout repository's (homeshift.yaml `journal:` or HOMESHIFT_JOURNAL). */
async function openSource(opts: CopyOptions, g: GlobalOptions, out: Output): Promise<{ store: JournalStore; location: JournalLocation }> {
  if (opts.from !== undefined) {
    const location = locationOf(opts.from);
    return openExisting(location, () => openJournalAt(location, false));
  }
  const project = await requireProjectConfig(g, out);
  return openExisting(journalLocationOf(project), () => openJournal(project, false));
}

/** A SQLite source must exist: copying a journal nobody wrote is a mistake in the command line. */
async function openExisting(location: JournalLocation, open: () => Promise<JournalStore>): Promise<{ store: JournalStore; location: JournalLocation }> {
  if (location.kind === 'sqlite' && !existsSync(location.file)) throw inputError(`journal copy: no journal at ${location.file}; nothing to copy`);
  return { store: await open(), location };
}

const n = (value: number): string => value.toLocaleString('en-US');

export function registerJournal(program: Command): void {
  const journal = program.command('journal').description('work on the journal itself');
  journal
    .command('copy')
    .description('copy a journal into another store (SQLite <-> PostgreSQL): runs, run machines, steps, cases, machine state')
    .requiredOption('--to <target>', 'the journal to write: a SQLite file or a postgres:// URL (password from PGPASSWORD or ~/.pgpass)')
    .option('--from <source>', "the journal to read (default: the rollout repository's journal)")
    .option('--merge', 'the target already holds runs: add the runs it lacks, keep the newer case per machine')
    .addHelpText('after', `
The target is created when it does not exist (a SQLite file, or the tables of an empty PostgreSQL
database). A target that already holds runs is refused (exit 1) unless --merge. Leases are not
copied: they belong to the controllers working on the source. A journal that cannot be opened is
exit 2; a copy that does not find every row in the target afterwards is exit 70.

Examples:
  $ homeshift journal copy --to postgres://homeshift@journal.example.net/rollout
  $ HOMESHIFT_JOURNAL=postgres://homeshift@journal.example.net/rollout homeshift journal copy --to backup.db
  $ homeshift journal copy --from ctl-2.db --to postgres://homeshift@journal.example.net/rollout --merge`)
    .action(async (opts: CopyOptions, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const targetLocation = locationOf(opts.to);
      const { store: source, location: sourceLocation } = await openSource(opts, g, out);
      try {
        if (shown(sourceLocation) === shown(targetLocation)) throw usageError(`journal copy: ${shown(targetLocation)} is the journal being copied`);
        const target = await openJournalAt(targetLocation, true);
        try {
          const before = await target.counts();
          if (before.runs > 0 && !opts.merge) {
            throw usageError(`journal copy: ${shown(targetLocation)} already holds ${n(before.runs)} run(s); add --merge to add the runs it lacks`);
          }
          const copied = await copyJournal(source, target);
          const skipped = copied.runsSkipped ? ` (${n(copied.runsSkipped)} already there)` : '';
          out.out(`copied ${n(copied.runs)} run(s)${skipped}, ${n(copied.runMachines)} run machine(s), ${n(copied.steps)} step(s), ${n(copied.cases)} case(s), ${n(copied.machineStates)} machine state(s), ${n(copied.caseEvents)} case event(s), ${n(copied.deliveries)} notify deliver${copied.deliveries === 1 ? 'y' : 'ies'}`);
          out.out(`  from ${shown(sourceLocation)}\n  to   ${shown(targetLocation)}`);
          if (before.runs === 0) {
            const missing = missingAfterCopy(await source.counts(), await target.counts());
            if (missing.length > 0) throw new CliError(`journal copy: the target lacks rows after the copy: ${missing.join('; ')}`, EXIT.internal);
          }
        } finally {
          await target.close();
        }
      } finally {
        await source.close();
      }
      setExit(EXIT.ok);
    });
}
