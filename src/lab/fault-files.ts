import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AssignedFault } from './faults.js';
import { installFileFaultTools } from './sim-tools.js';

/**
 * Faults that live in a PC's files, read by the sim tools: `<root>/.sim/fail/tool_<name>` fails every call of
 * that tool, `.sim/fail/<step id, ':' as '_'>` the tool call that touches what `<same>.on` names (one
 * "file PATH" or "package NAME" per line: what the step writes or installs). Line 1 the exit code (or `hang`),
 * lines 2.. the stderr. `unencrypted` takes the luks line out of etc/crypttab; `installer-busy` holds the dpkg lock;
 * `denied-cp850` and `denied-clixml` make apt-get refuse with a German message.
 */

export interface FailFile {
  name: string; // file name under .sim/fail
  exitCode: number | 'hang';
  stderr: string;
}

const DEFAULT_CRYPTTAB = 'cryptroot UUID=6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f none luks,discard\n';

/** What the fail file says for a fault, or null when the fault does not work through files. */
export function describeFailFile(fault: AssignedFault, context: { mailbox?: string }): FailFile | null {
  if (fault.kind === 'disk-full') {
    return { name: 'tool_apt-get', exitCode: 100, stderr: "E: You don't have enough free space in /var/cache/apt/archives/." };
  }
  if (fault.kind === 'installer-busy') {
    return { name: 'tool_apt-get', exitCode: 100, stderr: 'E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 4711 (unattended-upgr)' };
  }
  if (fault.kind === 'denied-cp850' || fault.kind === 'denied-clixml') {
    // a Linux PC says it in UTF-8; its Windows twin in the OEM code page or as CLIXML (windows-faults.ts)
    return { name: 'tool_apt-get', exitCode: 100, stderr: 'E: Zugriff verweigert für /var/cache/apt/archives/partial' };
  }
  if (!fault.kind.startsWith('fail-')) return null;
  const step = fault.kind.slice('fail-'.length);
  const name = step.replace(/:/g, '_');
  if (step === 'mailbox') {
    return { name, exitCode: 3, stderr: `mailbox not found for ${context.mailbox ?? 'unknown mailbox'}` };
  }
  return { name, exitCode: 1, stderr: `${step}: simulated failure` };
}

export function failFilePath(root: string, name: string): string {
  return join(root, '.sim', 'fail', name);
}

/** What a step fault is bound to: the files the step writes and the packages it installs on this PC. */
export interface StepTouches {
  files: string[]; // relative to the PC root
  packages: string[];
}

/** Put a file-based fault in place. Returns what heal needs to undo it (crypttab's old text). */
export async function applyFileFault(root: string, fault: AssignedFault, context: { mailbox?: string; touches?: StepTouches }): Promise<string | null> {
  const fail = describeFailFile(fault, context);
  if (fail) {
    await mkdir(join(root, '.sim', 'fail'), { recursive: true });
    await writeFile(failFilePath(root, fail.name), `${fail.exitCode}\n${fail.stderr}\n`);
    const touches = context.touches;
    if (touches && fault.kind.startsWith('fail-')) {
      const lines = [...touches.files.map((f) => `file ${f}`), ...touches.packages.map((p) => `package ${p}`)];
      await writeFile(`${failFilePath(root, fail.name)}.on`, `${lines.join('\n')}\n`);
      if (touches.files.length > 0) await installFileFaultTools(root);
    }
    return null;
  }
  if (fault.kind === 'unencrypted') {
    const file = join(root, 'etc', 'crypttab');
    const original = await readFile(file, 'utf8').catch(() => DEFAULT_CRYPTTAB);
    const kept = original.split('\n').filter((line) => !/\bluks\b/.test(line) && line.trim() !== '');
    await mkdir(join(root, 'etc'), { recursive: true });
    await writeFile(file, ['# <target name> <source device> <key file> <options>', ...kept.filter((l) => !l.startsWith('# <target'))].join('\n') + '\n');
    return /\bluks\b/.test(original) ? original : DEFAULT_CRYPTTAB;
  }
  return null;
}

/** Undo a file-based fault: remove its fail file or give etc/crypttab its luks line back. */
export async function healFileFault(root: string, fault: AssignedFault, saved: string | null): Promise<void> {
  const fail = describeFailFile(fault, {});
  if (fail) {
    await rm(failFilePath(root, fail.name), { force: true });
    await rm(`${failFilePath(root, fail.name)}.on`, { force: true });
    return;
  }
  if (fault.kind === 'unencrypted') {
    await writeFile(join(root, 'etc', 'crypttab'), saved ?? DEFAULT_CRYPTTAB);
  }
}
