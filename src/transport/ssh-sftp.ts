/**
 * The PC's files over the connection's SFTP subsystem (ssh2's SFTP client), for push sources.
 *
 * Open: null when the server refuses the subsystem (no `Subsystem sftp` line) or its sftp-server ends at once (not
 * installed): the caller uses its exec commands then. A session channel the server refuses is `unreachable`, as an
 * exec's is. Every call rejects with the connection's TransportError when it is lost (`unreachable`), with `timeout`
 * when it has not ended within its time (the session is ended then; an idle session has no time running, as a
 * caller may wait between calls), and with RemoteFileError for what the server refuses.
 */
import type { SFTPWrapper } from 'ssh2';
import { describeTarget } from './ssh-errors.js';
import type { SshLink } from './ssh-exec.js';
import { RemoteFileError, TransportError } from './transport.js';
import type { RemoteFiles, RemoteStat } from './transport.js';

const NO_SUCH_FILE = 2;
// OpenSSH's sftp client keeps 64 requests of 32 KiB in flight; the same bytes, in writes as large as the server takes
const BYTES_IN_FLIGHT = 2 << 20;
const SMALLEST_WRITE = 32 << 10;

/** Opens the SFTP session; see the file header. */
export function openRemoteFiles(link: SshLink, timeoutMs: number): Promise<RemoteFiles | null> {
  const where = describeTarget(link.target);
  const pending = new Set<(error: TransportError) => void>();
  let ended: TransportError | null = null;
  let session: SFTPWrapper | null = null;

  const end = (error: TransportError): void => {
    if (ended) return;
    ended = error;
    link.lostListeners.delete(end);
    for (const fail of [...pending]) fail(error);
    try {
      session?.end();
    } catch {
      // the channel is gone already
    }
  };
  link.lostListeners.add(end);
  /** `work` within timeoutMs, or the session ends with `timeout` (which fails what is in flight). */
  const timed = <T>(work: () => Promise<T>): Promise<T> => {
    const timer = setTimeout(() => end(new TransportError(`${where}: file transfer did not end within ${timeoutMs} ms`, 'timeout', true)), timeoutMs);
    return work().finally(() => clearTimeout(timer));
  };

  /** One ssh2 call as a promise that the session's end rejects too. */
  const call = <T>(start: (done: (error: Error | undefined | null, value?: T) => void) => void): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (ended) return reject(ended);
      const fail = (error: TransportError) => {
        pending.delete(fail);
        reject(error);
      };
      pending.add(fail);
      const done = (error: Error | undefined | null, value?: T): void => {
        if (!pending.delete(fail)) return;
        if (!error) return resolve(value as T);
        const code = (error as { code?: unknown }).code;
        if (typeof code === 'number') return reject(new RemoteFileError(error.message, code));
        // ssh2 fails the requests of a closed channel before the connection's close event: wait for that event
        setImmediate(() => reject(ended ?? link.lost ?? new RemoteFileError(`the SFTP session ended: ${error.message}`, -1)));
      };
      try {
        start(done);
      } catch (error) {
        // ssh2 checks some calls before sending (an extension the server did not offer, a socket already gone)
        pending.delete(fail);
        reject(ended ?? link.lost ?? new RemoteFileError((error as Error).message, -1));
      }
    });

  return new Promise<RemoteFiles | null>((resolve, reject) => {
    if (link.lost) return reject(link.lost);
    timed(() => call<SFTPWrapper>((done) => link.client.sftp(done))).then(
      (sftp) => {
        session = sftp;
        sftp.on('error', () => undefined); // the requests in flight fail with it
        const files = sessionFiles(sftp, call);
        resolve({
          stat: (path) => timed(() => files.stat(path)),
          mkdir: (path) => timed(() => files.mkdir(path)),
          writeFile: (path, bytes) => timed(() => files.writeFile(path, bytes)),
          rename: (from, to) => timed(() => files.rename(from, to)),
          remove: (path) => timed(() => files.remove(path)),
          close: () => end(new TransportError(`${where}: file session closed`, 'internal', false)),
        });
      },
      (error: unknown) => {
        const closed = new TransportError(`${where}: no SFTP session`, 'internal', false);
        if (error instanceof RemoteFileError && refusesSftp(error)) {
          end(closed);
          return resolve(null);
        }
        const failure = error instanceof TransportError ? error : new TransportError(`${where}: cannot start SFTP: ${(error as Error).message}`, 'unreachable', true, { cause: error });
        end(failure);
        reject(failure);
      },
    );
  });
}

type Call = <T>(start: (done: (error: Error | undefined | null, value?: T) => void) => void) => Promise<T>;

/** "Unable to start subsystem: sftp" (refused), or the server's sftp-server exited before it answered. */
function refusesSftp(error: RemoteFileError): boolean {
  return /Unable to start subsystem|while establishing SFTP session|SFTP session termination/.test(error.message);
}

function sessionFiles(sftp: SFTPWrapper, call: Call): Omit<RemoteFiles, 'close'> {
  const stat = async (path: string): Promise<RemoteStat | null> => {
    try {
      const stats = await call<{ size: number; isFile(): boolean; isDirectory(): boolean }>((done) => sftp.stat(path, done));
      return { size: stats.size, isFile: stats.isFile(), isDirectory: stats.isDirectory() };
    } catch (error) {
      if (error instanceof RemoteFileError && error.code === NO_SUCH_FILE) return null;
      throw error;
    }
  };
  const remove = (path: string) => call<void>((done) => sftp.unlink(path, done));
  return {
    stat,
    mkdir: (path) => call<void>((done) => sftp.mkdir(path, done)),
    writeFile: (path, bytes) => writeAll(sftp, call, path, bytes),
    async rename(from, to) {
      try {
        return await call<void>((done) => sftp.ext_openssh_rename(from, to, done));
      } catch (error) {
        // ssh2 throws before sending when the server did not offer posix-rename@openssh.com
        if (!(error instanceof RemoteFileError) || error.code !== -1 || !/does not support/.test(error.message)) throw error;
      }
      // plain SFTP rename refuses an existing target
      await remove(to).catch((error: unknown) => {
        if (!(error instanceof RemoteFileError) || error.code !== NO_SUCH_FILE) throw error;
      });
      return call<void>((done) => sftp.rename(from, to, done));
    },
    remove,
  };
}

/** Open with truncate, then writes of the server's largest size, BYTES_IN_FLIGHT of them at a time, then close. */
async function writeAll(sftp: SFTPWrapper, call: Call, path: string, bytes: Buffer): Promise<void> {
  const handle = await call<Buffer>((done) => sftp.open(path, 'w', done));
  const size = writeSize(sftp);
  const depth = Math.max(1, Math.floor(BYTES_IN_FLIGHT / size));
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < bytes.length) {
      const at = next;
      const length = Math.min(size, bytes.length - at);
      next += length;
      await call<void>((done) => sftp.write(handle, bytes, at, length, at, done));
    }
  };
  try {
    await Promise.all(Array.from({ length: depth }, lane));
  } finally {
    await call<void>((done) => sftp.close(handle, done)).catch(() => undefined);
  }
}

/**
 * The largest write the server takes: what its limits@openssh.com said, else ssh2's guess for the server (OpenSSH's
 * 256 KiB packets, 32 KiB for others). ssh2 keeps it on the session without a public name; it splits a longer write.
 */
function writeSize(sftp: SFTPWrapper): number {
  const known = (sftp as unknown as { _maxWriteLen?: unknown })._maxWriteLen;
  return typeof known === 'number' && known > 0 ? known : SMALLEST_WRITE;
}
