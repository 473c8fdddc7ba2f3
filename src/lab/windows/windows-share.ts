import { findPwsh, PWSH_HINT } from '../../shell/pwsh-path.js';

/** How many of the lab's PCs are Windows PCs: `--windows N` or `--windows P%`; by default 80 % when pwsh is here. */
export const DEFAULT_WINDOWS_SHARE = '80%';

export class WindowsShareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WindowsShareError';
  }
}

/** The number of Windows PCs among `machines` that the share asks for; throws WindowsShareError on a bad share. */
export function windowsCount(share: string, machines: number): number {
  const text = share.trim();
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text);
  if (percent) {
    const value = Number(percent[1]);
    if (value > 100) throw new WindowsShareError(`--windows ${text}: more than 100%`);
    return Math.round((machines * value) / 100);
  }
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count > machines) throw new WindowsShareError(`--windows ${text}: the lab has only ${machines} PCs`);
    return count;
  }
  throw new WindowsShareError(`--windows "${text}" is neither a count (12) nor a percentage (80%)`);
}

/** Spreads `count` Windows PCs evenly over the fleet (and so over its sites): is PC number i one of them? */
export function isWindowsPc(i: number, count: number, machines: number): boolean {
  return Math.floor(((i + 1) * count) / machines) > Math.floor((i * count) / machines);
}

/** The share to use: the one asked for, else the default when pwsh is here, else none (with the reason). */
export function chooseWindowsShare(asked: string | undefined): { share: string; pwsh: string | null; note: string | null } {
  const pwsh = findPwsh();
  if (asked !== undefined) return { share: asked, pwsh, note: null };
  if (pwsh) return { share: DEFAULT_WINDOWS_SHARE, pwsh, note: null };
  return { share: '0', pwsh, note: `no Windows PCs in the lab: PowerShell 7 (pwsh) was not found; ${PWSH_HINT}, then use --windows N or P%` };
}

/** Windows PCs need pwsh on the control machine: the message when they are asked for without it. */
export function pwshMissingMessage(count: number): string {
  return `${count} Windows PC(s) asked for, but PowerShell 7 (pwsh) was not found; ${PWSH_HINT}`;
}
