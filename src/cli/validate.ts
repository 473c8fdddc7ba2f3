import type { Command } from 'commander';
import { formatDiagnosticsJson, formatDiagnosticsJunit, formatDiagnosticsText } from '../validate/format.js';
import { EXIT, setExit } from './exit.js';
import { addFormatOptions } from './format-option.js';
import { createOutput } from './output.js';
import { globalOptions, loadAndValidate } from './project.js';

export function registerValidate(program: Command): void {
  addFormatOptions(program
    .command('validate')
    .description('check homeshift.yaml, inventory, directory, profiles, bundles and templates without touching any PC')
    .option('--strict', 'treat warnings as errors (exit 2)'), ['text', 'json', 'junit'])
    .addHelpText('after', `
Every finding reads file:line:col message [rule-id]. Exit 0 when valid, 2 on errors
(and on warnings with --strict).

Examples:
  $ homeshift validate
  $ homeshift validate --format junit > validate.xml     for CI
  $ homeshift -C examples/broken validate --format json`)
    .action(async (opts: { format: string; strict?: boolean }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      const checked = await loadAndValidate(g);
      const d = checked.diagnostics;
      if (opts.format === 'json') out.out(formatDiagnosticsJson(d));
      else if (opts.format === 'junit') out.out(formatDiagnosticsJunit(d, { evaluated: checked.project !== null }));
      else {
        if (d.length > 0) out.out(formatDiagnosticsText(d, { color: out.color }));
        const where = checked.project ? `${checked.project.machines.length} machines, ${checked.project.employees.size} employees, ${checked.project.profiles.size} profiles` : 'nothing loaded';
        const verdict = checked.errors > 0 ? out.c.red('invalid') : out.c.green('valid');
        out.out(`${verdict}: ${checked.errors} error(s), ${checked.warnings} warning(s) (${where})`);
      }
      const bad = checked.errors > 0 || (opts.strict === true && checked.warnings > 0);
      setExit(bad ? EXIT.invalid : EXIT.ok);
    });
}
