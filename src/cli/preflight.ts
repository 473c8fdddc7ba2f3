import type { Command } from 'commander';
import { adviceFor } from '../model/advice.js';
import { formatDiagnostic, type Diagnostic } from '../model/index.js';
import type { PreflightReport } from '../model/preflight.js';
import { buildPlan } from '../plan/index.js';
import { formatDiagnosticsText } from '../validate/format.js';
import { formatPreflight } from '../report/index.js';
import { runPreflight } from '../run/preflight.js';
import { createSshTransport } from '../transport/index.js';
import { EXIT, setExit, usageError } from './exit.js';
import { addFormatOptions } from './format-option.js';
import { createOutput } from './output.js';
import { globalOptions, loadAndValidate } from './project.js';
import { addLimitOption, selectFromProject } from './select.js';

/** The repository does not validate: its errors are the findings, and no PC is contacted. */
function notValid(diagnostics: Diagnostic[]): PreflightReport {
  const findings = diagnostics.filter((d) => d.severity === 'error').map((d) => ({
    kind: 'validation' as const, subject: d.rule, message: formatDiagnostic(d), whatToDo: adviceFor('validation', d.message).text,
  }));
  return { ready: false, repository: { ready: false, findings }, sites: [], machines: [] };
}

export function registerPreflight(program: Command): void {
  const cmd = program
    .command('preflight')
    .description('ready to run? validate, secrets, SSH identity, host keys, every selected PC reachable and logged into (nothing is changed)');
  addFormatOptions(addLimitOption(cmd).option('-f, --forks <n>', 'PCs checked at the same time', '20'), ['text', 'json'])
    .addHelpText('after', `
Everything that can be known without changing a PC: the repository validates, every
secret the selected plans need can be read, the SSH key (or agent) is usable, and every
selected PC accepts the host key, the login and a no-op command. No lease is taken,
nothing is written on any PC, the journal is not changed.

Exit 0 all ready, 3 some PCs not ready, 2 the repository is not (validate errors, a
secret missing, the key unusable).

Examples:
  $ homeshift preflight                        the evening before the 7 a.m. batch
  $ homeshift preflight --limit site=bruehl --format json`)
    .action(async (opts: { limit?: string; forks: string; format: 'text' | 'json' }, cmd: Command) => {
      const g = globalOptions(cmd);
      const out = createOutput(g);
      if (!/^\d+$/.test(opts.forks.trim()) || Number(opts.forks) < 1) throw usageError(`--forks must be a whole number of at least 1, not "${opts.forks}"`);
      const checked = await loadAndValidate(g, { keepPlan: true });
      if (checked.errors > 0 || !checked.project) {
        out.out(formatPreflight(notValid(checked.diagnostics), opts.format, { color: out.color }));
        setExit(EXIT.invalid);
        return;
      }
      if (checked.warnings > 0) out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }));
      const { project, plan: full } = checked;
      const machines = await selectFromProject(project, opts.limit);
      const plan = buildPlan(project, full ? { machines, from: full } : { machines });
      const report = await runPreflight({
        plan, transport: createSshTransport({ pinNewHostKeys: false }), secretSources: project.config.secrets,
        projectRoot: project.root, forks: Number(opts.forks),
      });
      out.out(formatPreflight(report, opts.format, { color: out.color }));
      setExit(!report.repository.ready ? EXIT.invalid : report.ready ? EXIT.ok : EXIT.failed);
    });
}
