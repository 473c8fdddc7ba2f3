import { Command, CommanderError } from 'commander';
import { CliError, EXIT, outcome } from './exit.js';
import { registerValidate } from './validate.js';
import { registerPlan } from './plan.js';
import { registerRollout, registerRerun } from './rollout.js';
import { registerStatus, registerErrors, registerLog } from './journal-commands.js';
import { registerLab } from './lab.js';
import { registerDemo } from './demo.js';
import { registerReport } from './report.js';
import { registerInit } from './init.js';
import { registerInventory } from './inventory.js';
import { registerJournal } from './journal-copy.js';
import { registerCase } from './case.js';

const VERSION = '0.1.0';

export function buildProgram(): Command {
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
  $ npm run demo                                the whole product on a simulated fleet`,
    );
  registerValidate(program);
  registerPlan(program);
  registerRollout(program);
  registerRerun(program);
  registerStatus(program);
  registerErrors(program);
  registerLog(program);
  registerCase(program);
  registerReport(program);
  registerInit(program);
  registerInventory(program);
  registerJournal(program);
  registerLab(program);
  registerDemo(program);
  for (const cmd of program.commands) cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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
