/**
 * The plan to compare with for `plan --diff REF`: an earlier `plan --format json` file, or the rollout repository as
 * it was at a git ref (a commit, a branch, HEAD~1), taken out of git into a temporary folder and planned there with
 * this homeshift.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { Plan } from '../model/plan.js';
import { formatDiagnosticsText } from '../validate/format.js';
import { inputError } from './exit.js';
import type { Output } from './output.js';
import { loadAndValidate } from './project.js';

export interface PlanBefore { label: string; plan: Plan }

function planFile(path: string): PlanBefore {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw inputError(`${path}: not a plan file (${(err as Error).message}); write one with homeshift plan --format json > FILE`);
  }
  const plan = data as Partial<Plan>;
  if (plan.format !== 1 || !Array.isArray(plan.machines) || typeof plan.scripts !== 'object') {
    throw inputError(`${path}: not a plan file of format 1 (homeshift plan --format json writes one)`);
  }
  return { label: path, plan: plan as Plan };
}

async function git(cwd: string, args: string[]): Promise<string> {
  const r = await execa('git', args, { cwd, reject: false, stdin: 'ignore' });
  if (r.exitCode !== 0) throw new Error(String(r.stderr).trim() || `git ${args[0]} exited ${r.exitCode}`);
  return String(r.stdout).trim();
}

async function planAtRef(root: string, ref: string, out: Output): Promise<PlanBefore> {
  let top: string;
  let prefix: string;
  let commit: string;
  try {
    top = await git(root, ['rev-parse', '--show-toplevel']);
    prefix = await git(root, ['rev-parse', '--show-prefix']);
  } catch {
    throw inputError(`--diff ${ref}: no such plan file, and ${root} is not in a git repository`);
  }
  try {
    commit = await git(top, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw inputError(`--diff ${ref}: no such plan file, and git knows no commit ${ref}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'homeshift-diff-'));
  try {
    const tree = await git(top, ['ls-tree', '-d', '--name-only', commit, '--', prefix.replace(/\/$/, '') || '.']).catch(() => '');
    if (prefix && !tree) throw inputError(`--diff ${ref}: the rollout repository (${prefix.replace(/\/$/, '')}) did not exist at ${ref}`);
    // through a file, not a pipe between two children: a stream handed from one to the other can lose its first bytes
    const tarball = join(dir, '.rollout.tar');
    try {
      await git(top, ['archive', '--format=tar', `--output=${tarball}`, commit, '--', prefix || '.']);
      await execa('tar', ['-x', '-f', tarball, '-C', dir], { stdin: 'ignore' });
    } catch (err) {
      throw inputError(`--diff ${ref}: could not take ${commit.slice(0, 12)} out of git: ${(err as Error).message.split('\n')[0]}`);
    }
    rmSync(tarball);
    const checked = await loadAndValidate({ project: join(dir, prefix) }, { keepPlan: true });
    if (!checked.project || !checked.plan || checked.errors > 0) {
      out.err(formatDiagnosticsText(checked.diagnostics, { color: out.color }).replaceAll(dir, ref));
      throw inputError(`--diff ${ref}: the rollout repository at ${ref} has ${checked.errors} error(s) and cannot be planned`);
    }
    return { label: `${ref} (${commit.slice(0, 12)})`, plan: checked.plan };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function planBefore(ref: string, root: string, out: Output): Promise<PlanBefore> {
  if (existsSync(ref) && statSync(ref).isFile()) return planFile(ref);
  return planAtRef(root, ref, out);
}
