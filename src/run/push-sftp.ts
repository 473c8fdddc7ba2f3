import { remoteCachePath, type CachedFile } from '../model/package-cache.js';
import { RemoteFileError, type RemoteFiles } from '../transport/transport.js';

/**
 * One push file over SFTP: nothing sent when the cache holds a file of its size (the PC's bundle step hashes it before
 * anything installs, and a wrong one is deleted there); otherwise the cache folders are made, the bytes written to
 * <file>.partial (a stale one is truncated) and renamed onto the file, so a transfer that breaks off leaves only the
 * .partial. `send` wraps the part that moves the bytes (the Pusher's gate). Returns whether it was sent.
 */
export async function pushOverSftp(remote: RemoteFiles, root: string, file: CachedFile, bytes: Buffer, send: (work: () => Promise<void>) => Promise<void>): Promise<boolean> {
  const target = remoteCachePath(root, file.cachePath);
  const have = await remote.stat(target);
  if (have?.isFile && have.size === bytes.length) return false;
  await makeFolders(remote, root, file.cachePath);
  await send(async () => {
    await remote.writeFile(`${target}.partial`, bytes);
    await remote.rename(`${target}.partial`, target);
  });
  return true;
}

/** The cache path's folders below the root, level by level; one that is there already is fine. */
async function makeFolders(remote: RemoteFiles, root: string, cachePath: string): Promise<void> {
  const parts = cachePath.split('/').filter(Boolean).slice(0, -1);
  const folder = remoteCachePath(root, parts.join('/'));
  if ((await remote.stat(folder))?.isDirectory) return;
  for (let depth = 1; depth <= parts.length; depth++) {
    const path = remoteCachePath(root, parts.slice(0, depth).join('/'));
    try {
      await remote.mkdir(path);
    } catch (error) {
      // SFTP v3 has no "exists" status: servers answer a plain failure, so look
      if (!(error instanceof RemoteFileError) || !(await remote.stat(path))?.isDirectory) throw error;
    }
  }
}
