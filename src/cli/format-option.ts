import { Command, Option } from 'commander';
import { usageError } from './exit.js';

/** `--format <one of choices>` (default text) and `--json` as its alias, the same on every reading command. */
export function addFormatOptions(cmd: Command, choices: readonly string[]): Command {
  return cmd
    .addOption(new Option('--format <format>', 'output format').choices(choices as string[]).default('text'))
    .addOption(new Option('--json', 'the same as --format json').implies({ format: 'json' }))
    .hook('preAction', (self) => {
      // commander's conflicts() would also reject the value --json implies, so the clash is checked here
      if (self.opts().json && self.getOptionValueSource('format') === 'cli' && self.opts().format !== 'json') {
        throw usageError(`--json and --format ${self.opts().format} ask for two formats: choose one`);
      }
    });
}
