import { realpath } from 'node:fs/promises';
import { isAbsolute, posix, resolve } from 'node:path';
import { windowsPaths } from './windows/pwsh-launch.js';

/**
 * Where an SFTP path lands on a lab PC: inside the PC's folder, or nowhere (null: outside it, which the PC's SFTP server
 * refuses). The lab's machine plans name a PC's root by its absolute folder, so such paths are taken as they are; a
 * Windows PC also takes the forms Win32-OpenSSH's sftp-server does for its drive (/C:/..., C:/..., C:\...), mapped onto
 * its C folder as the lab maps C:\ for pwsh. `..` is resolved first, and the deepest folder that exists must not lead
 * out through a link.
 */
export class PcFiles {
  private realRoot: { of: string; real: Promise<string> } | null = null;

  /** `pc` is read at each call: the lab names its PCs (root, system) after their servers exist. */
  constructor(private readonly pc: { readonly root: string; readonly os: 'linux' | 'windows' }) {}

  async resolve(path: string): Promise<string | null> {
    const { root } = this.pc;
    const local = this.toLocal(path);
    if (!root || local === null || !inside(root, local)) return null;
    if (this.realRoot?.of !== root) this.realRoot = { of: root, real: realpath(root) };
    const real = await deepestReal(local);
    return real !== null && inside(await this.realRoot.real, real) ? local : null;
  }

  private toLocal(path: string): string | null {
    if (path.includes('\0')) return null;
    const { root, os } = this.pc;
    let text = path;
    if (os === 'windows') {
      text = text.replace(/\\/g, '/');
      const drive = /^\/?([A-Za-z]):(\/.*)?$/.exec(text);
      if (drive) {
        if (drive[1].toUpperCase() !== 'C') return null;
        return resolve(windowsPaths(root).drive, `.${posix.normalize(`/${drive[2] ?? ''}`)}`);
      }
    }
    return isAbsolute(text) ? resolve(text) : resolve(root, text);
  }
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** The real path of `path` or of its deepest folder that exists. */
async function deepestReal(path: string): Promise<string | null> {
  for (let at = path; ; at = resolve(at, '..')) {
    try {
      return await realpath(at);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || at === '/') return null;
    }
  }
}
