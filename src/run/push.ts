import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseCachedFiles, type CachedFile } from '../model/package-cache.js';
import type { MachinePlan } from '../model/plan.js';
import { RemoteFileError, type Connection } from '../transport/transport.js';
import { pushCommands } from './push-commands.js';
import { pushOverSftp } from './push-sftp.js';

/**
 * push sources: homeshift sends the installer file over the PC's own SSH connection into the PC's package cache, before
 * the machine's program runs: through the connection's SFTP subsystem (no shell started on the PC; push-sftp.ts), or,
 * on a PC whose server offers no SFTP, through two exec commands (push-commands.ts). The control machine reads and
 * hashes each file once however many PCs get it, and refuses one whose hash is not the bundle's; at most `forks` PCs
 * receive at the same time, so a batch does not fill the site's uplink. A PC that has the file in its cache gets
 * nothing; its bundle step verifies the file's SHA-256 before anything installs.
 */
export const DEFAULT_PUSH_FORKS = 4;

export class PushError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PushError';
  }
}

interface Loaded { bytes: Buffer; sha256: string }

/** The files of a run's push sources, read once, and the gate that limits how many PCs receive at once. */
export class Pusher {
  private readonly files = new Map<string, Promise<Loaded>>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  reads = 0;

  constructor(private readonly projectRoot: string, private readonly forks = DEFAULT_PUSH_FORKS) {}

  private load(location: string): Promise<Loaded> {
    const path = isAbsolute(location) ? location : resolve(this.projectRoot, location);
    let loaded = this.files.get(path);
    if (!loaded) {
      this.reads++;
      loaded = readFile(path).then((bytes) => ({ bytes, sha256: createHash('sha256').update(bytes).digest('hex') }));
      loaded.catch(() => undefined);
      this.files.set(path, loaded);
    }
    return loaded;
  }

  private async gate<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.forks) await new Promise<void>((go) => this.waiting.push(go));
    else this.active++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Sends the machine's push files it does not have yet; throws PushError naming the file when one cannot be sent. */
  async push(plan: MachinePlan, conn: Connection, timeoutMs: number): Promise<void> {
    const files = uniqueBySha(plan.steps.flatMap((s) => parseCachedFiles(s.vars.HS_SOURCES)).filter((f) => f.kind === 'push'));
    if (!files.length) return;
    const remote = conn.files ? await conn.files(timeoutMs) : null;
    if (!remote) return this.pushByExec(plan, conn, files, timeoutMs);
    try {
      for (const file of files) {
        const loaded = await this.verified(file);
        try {
          await pushOverSftp(remote, plan.root, file, loaded.bytes, (work) => this.gate(work));
        } catch (err) {
          if (err instanceof RemoteFileError) throw new PushError(`push ${file.location} (${file.name}) failed: ${err.message}`);
          throw err;
        }
      }
    } finally {
      remote.close();
    }
  }

  /** The file as read on the control machine, refused when its hash is not the bundle's. */
  private async verified(file: CachedFile): Promise<Loaded> {
    let loaded: Loaded;
    try {
      loaded = await this.load(file.location);
    } catch (err) {
      throw new PushError(`push ${file.location} (${file.name}): cannot read it on the control machine: ${(err as Error).message}`);
    }
    if (loaded.sha256 !== file.sha256) throw new PushError(`installer hash mismatch: ${file.name}: ${file.location}: expected ${file.sha256}, found ${loaded.sha256}`);
    return loaded;
  }

  /** A PC without SFTP: its shell checks the cache and receives the file on stdin (push-commands.ts). */
  private async pushByExec(plan: MachinePlan, conn: Connection, files: CachedFile[], timeoutMs: number): Promise<void> {
    const head = (f: CachedFile) => `${plan.root}\t${f.cachePath}\t${f.sha256}`;
    const commands = pushCommands(plan.machine.os);
    const asked = await conn.exec(commands.needs, { stdin: files.map(head).join('\n') + '\n', timeoutMs });
    if (asked.exitCode !== 0) throw new PushError(`push: the PC could not look into its package cache: ${lastLine(asked.stderr)}`);
    const needed = [...asked.stdout.matchAll(/^need (\d+)/gm)].map((m) => files[Number(m[1])]).filter(Boolean);
    for (const file of needed) {
      const loaded = await this.verified(file);
      const sent = await this.gate(() => conn.exec(commands.receive, { stdin: [Buffer.from(head(file) + '\n', 'utf8'), loaded.bytes], timeoutMs }));
      if (sent.exitCode !== 0) throw new PushError(`push ${file.location} (${file.name}) failed: ${lastLine(sent.stderr) || `exit ${sent.exitCode}`}`);
    }
  }
}

function uniqueBySha(files: CachedFile[]): CachedFile[] {
  const seen = new Set<string>();
  return files.filter((f) => !seen.has(f.sha256) && seen.add(f.sha256));
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}
