import { Command, CommanderError } from 'commander';
import { CliError, EXIT, outcome } from './exit.js';

const VERSION = '0.1.0';

type Register = (program: Command) => void;

/**
 * Every command and the module that registers it, in help order. A command's module is imported only when that
 * command runs (or for help over all of them), so `plan` never loads the SSH, SQL, prompt or progress libraries.
 */
const COMMANDS: { names: string[]; load: () => Promise<Register[]> }[] = [
  { names: ['validate'], load: async () => [(await import('./validate.js')).registerValidate] },
  { names: ['plan'], load: async () => [(await import('./plan.js')).registerPlan] },
  { names: ['preflight'], load: async () => [(await import('./preflight.js')).registerPreflight] },
  { names: ['rollout', 'rerun'], load: async () => { const m = await import('./rollout.js'); return [m.registerRollout, m.registerRerun]; } },
  { names: ['status', 'errors', 'log'], load: async () => { const m = await import('./journal-commands.js'); return [m.registerStatus, m.registerErrors, m.registerLog]; } },
  { names: ['case'], load: async () => [(await import('./case.js')).registerCase] },
  { names: ['notify'], load: async () => [(await import('./notify.js')).registerNotify] },
  { names: ['report'], load: async () => [(await import('./report.js')).registerReport] },
  { names: ['bundle'], load: async () => [(await import('./bundle.js')).registerBundle] },
  { names: ['init'], load: async () => [(await import('./init.js')).registerInit] },
  { names: ['inventory'], load: async () => [(await import('./inventory.js')).registerInventory] },
  { names: ['directory'], load: async () => [(await import('./directory.js')).registerDirectory] },
  { names: ['journal'], load: async () => [(await import('./journal-copy.js')).registerJournal] },
  { names: ['lab'], load: async () => [(await import('./lab.js')).registerLab] },
  { names: ['keep'], load: async () => [(await import('./keep.js')).registerKeep] },
  { names: ['demo'], load: async () => [(await import('./demo.js')).registerDemo] },
  { names: ['bootstrap', 'known-hosts'], load: async () => [(await import('./bootstrap.js')).registerBootstrap] },
];

/** The command named on the command line (the first word after the global options), if any. */
export function commandWord(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '-C' || arg === '--project') i++;
    else if (arg === '--') return args[i + 1];
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

/** The program with every command, or only with `command`'s own module when it names one (its help and parsing are the same). */
export async function buildProgram(command?: string): Promise<Command> {
  const program = new Command('homeshift')
    .description('Personalise service-center desktop PCs for home office over SSH: validate, plan, roll out, re-run.')
    .version(VERSION)
    .option('-C, --project <dir>', 'the rollout repository (default: walk up from the working directory to homeshift.yaml)')
    .option('--no-color', 'no colour (also off under NO_COLOR and when not a terminal)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText(
      'after',
      `
Exit codes: 0 all good, 1 usage, 2 invalid input, 3 some machines failed,
            4 halted by the failure threshold, 130 interrupted, 70 internal error.

Journal: homeshift.yaml's journal: (a SQLite file, or postgres://user@host/db for a team);
HOMESHIFT_JOURNAL overrides it. The PostgreSQL password comes from PGPASSWORD, ~/.pgpass
or the secret named by journalPasswordSecret.

Examples:
  $ homeshift validate                          check inventory, directory and profiles
  $ homeshift plan --limit site=bruehl          what every PC of Brühl will become
  $ homeshift rollout --limit 'BRU-*' --waves 1,10%,100% --max-failures 5%
  $ homeshift errors --group                    failures grouped by cause
  $ homeshift rerun --cause step-failed:mailbox:3f2a9c1b --yes
  $ homeshift notify --out outbox/             one digest per owner as .eml files
  $ npm run demo                                the whole product on a simulated fleet`,
    );
  const own = COMMANDS.filter((c) => command !== undefined && c.names.includes(command));
  for (const entry of own.length > 0 ? own : COMMANDS) for (const register of await entry.load()) register(program);
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(commandWord(argv.slice(2)));
  outcome.code = EXIT.ok;
  try {
    await program.parseAsync(argv);
    return outcome.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof CliError) {
      if (err.message) process.stderr.write(`homeshift: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
