import type { MachinePlan, Plan } from '../model/plan.js';
import { formatPosixPrelude, secretVarName } from '../render/prelude.js';
import { quotePosix } from '../render/quote.js';
import { machineVars } from './machine-prelude.js';
import { POSIX_RUNTIME } from './posix-runtime.js';
import { fillSecrets, stepSecrets } from './secrets.js';
import type { ProgramOptions } from './program-options.js';

/** Reads the whole program from stdin before running it, so no step can eat the rest of it. */
export const POSIX_COMMAND = `/bin/sh -c 'eval "$(cat)"'`;

/**
 * The command with the machine's deadline enforced on the PC too (coreutils timeout where there is one): sshd
 * does not pass the client's kill signal into every session (root logins), so a hung step must not outlive it.
 */
export function posixCommand(deadlineSeconds: number): string {
  const limit = Math.max(1, Math.ceil(deadlineSeconds)) + 5; // the client gives up first and reports the timeout
  return `if command -v timeout >/dev/null 2>&1; then exec timeout -k 10 ${limit} ${POSIX_COMMAND}; else exec ${POSIX_COMMAND}; fi`;
}

function scriptVarNames(plan: MachinePlan): Map<string, string> {
  const names = new Map<string, string>();
  for (const step of plan.steps) if (!names.has(step.script)) names.set(step.script, `HS__SCRIPT_${names.size + 1}`);
  return names;
}

/** The umask that creates a file with exactly this mode, or '' when it needs a chmod (execute or special bits). */
export function umaskFor(mode: string): string {
  if (!/^0?[0-7]{3}$/.test(mode)) return '';
  const bits = parseInt(mode, 8);
  return bits & ~0o666 ? '' : (0o777 & ~bits).toString(8).padStart(3, '0');
}

// Text goes in as a quoted word (no decoding process on the PC); only NUL bytes need base64.
function formatWant(path: string, mode: string, content: string): string {
  const head = `${quotePosix(path)} ${quotePosix(mode)} '${umaskFor(mode)}'`;
  if (content.includes('\0')) return `hs__want_b64 ${head} '${Buffer.from(content, 'utf8').toString('base64')}'`;
  return `hs__want ${head} ${quotePosix(content)}`;
}

/** The sh program that runs every step of one machine and prints the result markers. */
export function buildPosixProgram(plan: MachinePlan, scripts: Plan['scripts'], opts: ProgramOptions): string {
  const scriptNames = scriptVarNames(plan);
  const lines: string[] = [
    'set -u',
    formatPosixPrelude({ HS__NONCE: opts.nonce, HS__MODE: opts.mode }),
    formatPosixPrelude(machineVars(plan)),
    'HS__TMP=$(mktemp -d "${TMPDIR:-/tmp}/homeshift.XXXXXX") || { echo "homeshift: cannot create a temporary folder" >&2; exit 1; }',
    `trap 'rm -rf "$HS__TMP"' EXIT`,
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    'HS__FAILED=0',
    POSIX_RUNTIME,
  ];
  for (const [script, name] of scriptNames) {
    const text = scripts[script]?.text;
    if (text === undefined) throw new Error(`plan has no text for script ${script}`);
    lines.push(`${name}=${quotePosix(text)}`);
  }
  plan.steps.forEach((step, index) => {
    const secrets = stepSecrets(step, opts.secrets);
    const vars: Record<string, string> = { ...step.vars };
    for (const [name, value] of Object.entries(secrets)) vars[secretVarName(name)] = value;
    lines.push(`# step ${index}: ${step.id.replace(/[^A-Za-z0-9:._-]/g, '?')}`);
    lines.push(`hs__begin ${index}`);
    lines.push(`if [ "$HS__FAILED" = 1 ]; then hs__skip ${index}; else`);
    lines.push('(');
    if (Object.keys(vars).length) lines.push(formatPosixPrelude(vars));
    for (const file of step.files) lines.push(formatWant(file.path, file.mode, fillSecrets(file, opts.secrets, step.id)));
    lines.push(`hs__step ${index} ${step.checkOnly ? 1 : 0} "$${scriptNames.get(step.script)}"`);
    lines.push(`)`);
    lines.push(`hs__finish ${index} $?`);
    lines.push('fi');
  });
  lines.push(`hs__marker done`);
  return lines.join('\n') + '\n';
}
