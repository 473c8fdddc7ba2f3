/**
 * The local transport on execa: the command string is a shell command line run by `/bin/sh -c`,
 * like an ssh exec. The shell gets its own process group, so a timeout or an abort ends the
 * whole group (TERM, then KILL after a grace period) and leaves no process behind. It offers no `files`: a push
 * over it runs the push's exec commands.
 */
import { execa } from 'execa';
import { decodeClixml } from './clixml.js';
import { createOutputDecoder } from './output-decoder.js';
import { TransportError } from './transport.js';
import type { Connection, ExecOptions, ExecResult, Transport } from './transport.js';

const KILL_GRACE_MS = 1000;

/** Create the local transport; `connect` ignores the target's host. */
export function createLocalTransport(): Transport {
  return {
    name: 'local',
    async connect(): Promise<Connection> {
      let closed = false;
      return {
        exec: (command, options) => {
          if (closed) return Promise.reject(new TransportError('local connection closed', 'internal', false));
          return execLocally(command, options);
        },
        close: async () => {
          closed = true;
        },
      };
    },
  };
}

async function execLocally(command: string, options: ExecOptions): Promise<ExecResult> {
  const started = performance.now();
  if (options.signal?.aborted) {
    return { exitCode: null, signal: null, stdout: '', stderr: '', timedOut: false, aborted: true, durationMs: 0 };
  }
  const subprocess = execa('/bin/sh', ['-c', command], {
    input: Array.isArray(options.stdin) ? Buffer.concat(options.stdin) : (options.stdin as string | Buffer | undefined) ?? '',
    reject: false,
    detached: true,
    stripFinalNewline: false,
    encoding: 'buffer',
    cleanup: true,
  });
  const stdout = collect(subprocess.stdout, options.onStdout);
  const stderr = collect(subprocess.stderr, options.onStderr);
  let timedOut = false;
  let aborted = false;
  const timers: NodeJS.Timeout[] = [];
  const endGroup = (): void => {
    killGroup(subprocess.pid, 'SIGTERM');
    timers.push(setTimeout(() => killGroup(subprocess.pid, 'SIGKILL'), KILL_GRACE_MS));
  };
  const onAbort = (): void => {
    if (timedOut || aborted) return;
    aborted = true;
    endGroup();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  timers.push(
    setTimeout(() => {
      if (aborted) return;
      timedOut = true;
      endGroup();
    }, options.timeoutMs),
  );
  try {
    const result = await subprocess;
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      throw new TransportError(`local command could not start: ${result.shortMessage}`, 'internal', false, {
        cause: result.cause,
      });
    }
    // Children of the shell may still hold the group: end them too.
    if (timedOut || aborted) killGroup(subprocess.pid, 'SIGKILL');
    return {
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      stdout: stdout.text(),
      stderr: decodeClixml(stderr.text()),
      timedOut,
      aborted,
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    timers.forEach(clearTimeout);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function collect(stream: NodeJS.ReadableStream | null, onChunk?: (chunk: string) => void): { text(): string } {
  const decoder = createOutputDecoder();
  let text = '';
  const add = (chunk: string): void => {
    if (chunk === '') return;
    text += chunk;
    try {
      onChunk?.(chunk);
    } catch {
      // a listener's failure must not end the command
    }
  };
  stream?.on('data', (chunk: Buffer) => add(decoder.write(chunk)));
  return {
    text: () => {
      add(decoder.end());
      return text;
    },
  };
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}
