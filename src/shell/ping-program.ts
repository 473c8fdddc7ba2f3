import type { Os } from '../model/project.js';
import { encodePowerShellCommand } from '../render/quote.js';

/** What a PC answers to the no-op exec when it can run homeshift's programs. */
export const PING_ANSWER = 'homeshift-ready';

/**
 * The no-op exec of preflight (like `ansible -m ping`): it writes nothing and proves the PC runs commands the
 * way a rollout sends them — `/bin/sh` on Linux, the same `powershell.exe -NoProfile -NonInteractive
 * -EncodedCommand` form on Windows (Win32-OpenSSH hands the line to cmd.exe), with a trivial program.
 */
export function pingCommand(os: Os): string {
  if (os === 'linux') return `/bin/sh -c 'echo ${PING_ANSWER}'`;
  return `powershell.exe -NoProfile -NonInteractive -EncodedCommand ${encodePowerShellCommand(`Write-Output '${PING_ANSWER}'`)}`;
}
