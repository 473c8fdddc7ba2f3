import { closeSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memorySpool, type PlanSpool } from '../plan/encoded-plan.js';

const READ_BUFFER = 1 << 20;

/**
 * The plan spool in a temporary file, readable by this user only and removed from its folder at once where the
 * system allows (POSIX: the open file lives on until closed, and goes with the process whatever ends it); elsewhere
 * removed on close or exit. Where no temporary file can be made, the spool is kept in memory.
 */
export function fileSpool(): PlanSpool {
  let dir: string;
  let fd: number;
  try {
    dir = mkdtempSync(join(tmpdir(), 'homeshift-plan-'));
    fd = openSync(join(dir, 'plan.json'), 'w+', 0o600);
  } catch {
    return memorySpool();
  }
  let removed = false;
  const remove = () => {
    if (removed) return;
    try {
      rmSync(dir, { recursive: true, force: true });
      removed = true;
    } catch {
      // an open file on Windows: removed on close
    }
  };
  try {
    unlinkSync(join(dir, 'plan.json'));
  } catch {
    // kept in its folder until close (Windows)
  }
  remove();
  const onExit = () => { try { closeSync(fd); } catch { /* closed */ } remove(); };
  if (!removed) process.once('exit', onExit);

  let size = 0;
  let closed = false;
  const scratch = Buffer.allocUnsafe(READ_BUFFER);
  return {
    append(bytes) {
      const at = size;
      for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done, bytes.length - done, at + done);
      size += bytes.length;
      return at;
    },
    read(at, length) {
      const into = length > scratch.length ? Buffer.allocUnsafe(length) : scratch.subarray(0, length);
      for (let done = 0; done < length;) {
        const n = readSync(fd, into, done, length - done, at + done);
        if (n === 0) throw new RangeError(`the plan spool holds no bytes ${at}..${at + length}`);
        done += n;
      }
      return into;
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
      remove();
      process.removeListener('exit', onExit);
    },
  };
}
