import type { Command } from 'commander';
import { loadProject } from '../config/index.js';
import { validateProject } from '../validate/index.js';
import { findTemplateErrors } from '../plan/index.js';
import type { Diagnostic, Project } from '../model/index.js';
import { formatDiagnosticsText } from '../validate/format.js';
import { inputError } from './exit.js';
import type { Output } from './output.js';

export interface GlobalOptions {
  project?: string;
  color?: boolean;
}

export function globalOptions(cmd: Command): GlobalOptions {
  return cmd.optsWithGlobals() as GlobalOptions;
}

export interface Checked {
  project: Project | null;
  diagnostics: Diagnostic[];
  errors: number;
  warnings: number;
}

/** load -> validate (schema, cross references, template variables for every machine). */
export async function loadAndValidate(opts: GlobalOptions): Promise<Checked> {
  const loaded = await loadProject({ cwd: process.cwd(), projectDir: opts.project });
  const diagnostics = [...loaded.diagnostics];
  const project = loaded.project;
  if (project && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push(...validateProject(project));
    if (!diagnostics.some((d) => d.severity === 'error')) diagnostics.push(...findTemplateErrors(project));
  }
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  return { project, diagnostics, errors, warnings: diagnostics.length - errors };
}

/** For commands that go on to plan or run: stop with exit 2 and the messages when the input is not valid. */
export async function requireValidProject(opts: GlobalOptions, out: Output): Promise<Project> {
  const checked = await loadAndValidate(opts);
  if (checked.errors > 0 || !checked.project) {
    out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }));
    throw inputError(`${checked.errors} error(s) in the rollout repository; nothing was planned or touched (run homeshift validate)`);
  }
  if (checked.warnings > 0) out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }));
  return checked.project;
}
