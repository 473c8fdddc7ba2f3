import type { Stats } from 'node:fs';
import { lstat, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { Attributes, SFTPWrapper } from 'ssh2';
import type { PcFiles } from './pc-files.js';

const { STATUS_CODE, flagsToString } = ssh2.utils.sftp;

/**
 * A lab PC's SFTP server, as OpenSSH's sftp-server answers what a push needs: OPEN, WRITE, CLOSE, STAT, LSTAT, FSTAT,
 * MKDIR, RENAME (which, as there, refuses to replace a file), posix-rename@openssh.com (which replaces; ssh2's server
 * announces no extensions, so clients that ask first remove and rename), REMOVE and REALPATH; the rest is refused as
 * unsupported. Every path must lie inside the PC's folder (PcFiles), else
 * PERMISSION_DENIED. All file work is asynchronous; a session holds at most MAX_HANDLES files and MAX_PENDING bytes of
 * writes not yet on disk, so a client that floods it gets failures, not the lab's memory.
 */
const MAX_HANDLES = 64;
const MAX_PENDING = 16 << 20;

export function serveSftp(sftp: SFTPWrapper, files: PcFiles): void {
  const handles = new Map<number, FileHandle>();
  let nextHandle = 0;
  let pending = 0;
  let closed = false;

  const reply = (send: () => void): void => {
    if (closed) return;
    try {
      send();
    } catch {
      // the channel went away between the request and its answer
    }
  };
  const ok = (id: number) => reply(() => sftp.status(id, STATUS_CODE.OK));
  const fail = (id: number, error: unknown) => reply(() => sftp.status(id, statusOf(error), (error as Error).message));
  const denied = (id: number) => reply(() => sftp.status(id, STATUS_CODE.PERMISSION_DENIED, 'outside the PC'));
  const fileOf = (handle: Buffer) => (handle.length === 4 ? handles.get(handle.readUInt32BE(0)) : undefined);

  /** Runs `work` on the paths once each resolves inside the PC; answers its failure. */
  const withPaths = (id: number, paths: string[], work: (...local: string[]) => Promise<void>): void => {
    void (async () => {
      try {
        const local = await Promise.all(paths.map((p) => files.resolve(p)));
        if (local.some((l) => l === null)) return denied(id);
        await work(...(local as string[]));
      } catch (error) {
        fail(id, error);
      }
    })();
  };

  sftp.on('OPEN', (id, path, flags, attrs) => withPaths(id, [path], async (local) => {
    const mode = flagsToString(flags);
    if (!mode) return reply(() => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
    if (handles.size >= MAX_HANDLES) return reply(() => sftp.status(id, STATUS_CODE.FAILURE, 'too many open files'));
    const file = await open(local, mode, attrs?.mode ? attrs.mode & 0o777 : 0o644);
    if (closed) return void file.close().catch(() => undefined);
    const key = nextHandle++;
    handles.set(key, file);
    const handle = Buffer.alloc(4);
    handle.writeUInt32BE(key, 0);
    reply(() => sftp.handle(id, handle));
  }));
  sftp.on('WRITE', (id, handle, offset, data) => {
    const file = fileOf(handle);
    if (!file) return reply(() => sftp.status(id, STATUS_CODE.FAILURE, 'no such handle'));
    if (pending + data.length > MAX_PENDING) return reply(() => sftp.status(id, STATUS_CODE.FAILURE, 'too many writes in flight'));
    pending += data.length;
    file.write(data, 0, data.length, offset).then(() => ok(id), (error: unknown) => fail(id, error)).finally(() => (pending -= data.length));
  });
  sftp.on('CLOSE', (id, handle) => {
    const file = fileOf(handle);
    if (!file) return reply(() => sftp.status(id, STATUS_CODE.FAILURE, 'no such handle'));
    handles.delete(handle.readUInt32BE(0));
    file.close().then(() => ok(id), (error: unknown) => fail(id, error)); // after the handle's writes
  });
  sftp.on('FSTAT', (id, handle) => {
    const file = fileOf(handle);
    if (!file) return reply(() => sftp.status(id, STATUS_CODE.FAILURE, 'no such handle'));
    file.stat().then((s) => reply(() => sftp.attrs(id, attributes(s))), (error: unknown) => fail(id, error));
  });
  sftp.on('STAT', (id, path) => withPaths(id, [path], async (local) => {
    const s = await stat(local);
    reply(() => sftp.attrs(id, attributes(s)));
  }));
  sftp.on('LSTAT', (id, path) => withPaths(id, [path], async (local) => {
    const s = await lstat(local);
    reply(() => sftp.attrs(id, attributes(s)));
  }));
  sftp.on('MKDIR', (id, path, attrs) => withPaths(id, [path], async (local) => {
    await mkdir(local, attrs?.mode ? attrs.mode & 0o777 : 0o755);
    ok(id);
  }));
  sftp.on('RENAME', (id, from, to) => withPaths(id, [from, to], async (source, target) => {
    if (await lstat(target).then(() => true, () => false)) return reply(() => sftp.status(id, STATUS_CODE.FAILURE, 'the target exists'));
    await rename(source, target);
    ok(id);
  }));
  sftp.on('EXTENDED', (id, name, data) => {
    const paths = name === 'posix-rename@openssh.com' ? twoStrings(data) : null;
    if (!paths) return reply(() => sftp.status(id, STATUS_CODE.OP_UNSUPPORTED));
    withPaths(id, paths, async (source, target) => {
      await rename(source, target);
      ok(id);
    });
  });
  sftp.on('REMOVE', (id, path) => withPaths(id, [path], async (local) => {
    await unlink(local);
    ok(id);
  }));
  sftp.on('REALPATH', (id, path) => withPaths(id, [path], async (local) => {
    reply(() => sftp.name(id, [{ filename: local, longname: local, attrs: {} as Attributes }]));
  }));
  sftp.on('close', () => {
    closed = true;
    for (const file of handles.values()) void file.close().catch(() => undefined);
    handles.clear();
  });
}

function attributes(s: Stats): Attributes {
  return { mode: s.mode, uid: s.uid, gid: s.gid, size: s.size, atime: Math.floor(s.atimeMs / 1000), mtime: Math.floor(s.mtimeMs / 1000) };
}

function statusOf(error: unknown): number {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return STATUS_CODE.NO_SUCH_FILE;
  if (code === 'EACCES' || code === 'EPERM') return STATUS_CODE.PERMISSION_DENIED;
  return STATUS_CODE.FAILURE;
}

/** The two paths of posix-rename@openssh.com's request data: string oldpath, string newpath. */
function twoStrings(data: Buffer | undefined): [string, string] | null {
  if (!data || data.length < 4) return null;
  const first = data.readUInt32BE(0);
  if (data.length < 8 + first) return null;
  const second = data.readUInt32BE(4 + first);
  if (data.length < 8 + first + second) return null;
  return [data.toString('utf8', 4, 4 + first), data.toString('utf8', 8 + first, 8 + first + second)];
}
