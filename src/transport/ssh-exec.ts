/**
 * One command on an open ssh2 connection: stdin written and closed, stdout/stderr streamed and
 * collected, exit code or signal taken from the channel.
 *
 * Ending a command (timeout or abort): the KILL signal is sent over the channel (OpenSSH >= 7.9
 * delivers it), then the channel is closed if it is still open after a grace period; the result
 * always comes, with `timedOut` or `aborted` set.
 *
 * A connection that drops while a command runs: the exec REJECTS with TransportError
 * `unreachable` (retryable). What the command printed until then has already been streamed.
 * Only a command that was being ended (timeout, abort) resolves instead, with its flag set.
 *
 * Output is decoded line by line (UTF-8, or a Windows code page for a line that is not); the result's
 * stderr has PowerShell's CLIXML blocks replaced by their messages (the streamed chunks are as sent).
 */
import type { Client, ClientChannel } from 'ssh2';
import { decodeClixml } from './clixml.js';
import { createOutputDecoder } from './output-decoder.js';
import { describeTarget } from './ssh-errors.js';
import { TransportError } from './transport.js';
import type { ExecOptions, ExecResult, Target } from './transport.js';

const END_GRACE_MS = 1000;

/** The shared state of one ssh2 connection, as the execs on it see it. */
export interface SshLink {
  client: Client;
  target: Target;
  lost: TransportError | null; // set once the connection is gone
  lostListeners: Set<(error: TransportError) => void>;
}

/** Run one command over the link; see the file header for how it ends. */
export function execOverSsh(link: SshLink, command: string, options: ExecOptions): Promise<ExecResult> {
  return new Promise<ExecResult>((resolve, reject) => {
    const started = performance.now();
    const outDecoder = createOutputDecoder();
    const errDecoder = createOutputDecoder();
    const state = { stdout: '', stderr: '', exitCode: null as number | null, signal: null as string | null };
    let gotExit = false;
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let channel: ClientChannel | undefined;
    const timers: NodeJS.Timeout[] = [];

    const cleanup = (): void => {
      timers.forEach(clearTimeout);
      options.signal?.removeEventListener('abort', onAbort);
      link.lostListeners.delete(onLost);
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      appendStdout(outDecoder.end());
      appendStderr(errDecoder.end());
      const durationMs = Math.round(performance.now() - started);
      resolve({ ...state, stderr: decodeClixml(state.stderr), timedOut, aborted, durationMs });
    };
    const fail = (error: TransportError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      reject(error);
    };
    const appendStdout = (text: string): void => {
      if (text === '') return;
      state.stdout += text;
      safely(() => options.onStdout?.(text));
    };
    const appendStderr = (text: string): void => {
      if (text === '') return;
      state.stderr += text;
      safely(() => options.onStderr?.(text));
    };
    const endCommand = (): void => {
      if (!channel) return; // not open yet: ended as soon as it opens
      const open = channel;
      safely(() => sendSignal(open, 'KILL'));
      timers.push(
        setTimeout(() => {
          safely(() => open.close());
          timers.push(setTimeout(finish, END_GRACE_MS));
        }, END_GRACE_MS),
      );
    };
    function onAbort(): void {
      if (settled || aborted || timedOut) return;
      aborted = true;
      if (!channel) finish();
      else endCommand();
    }
    function onLost(error: TransportError): void {
      if (timedOut || aborted) finish();
      else fail(error);
    }

    if (options.signal?.aborted) {
      aborted = true;
      finish();
      return;
    }
    if (link.lost) {
      fail(link.lost);
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    link.lostListeners.add(onLost);
    timers.push(
      setTimeout(() => {
        if (settled || aborted) return;
        timedOut = true;
        if (!channel) finish();
        else endCommand();
      }, options.timeoutMs),
    );

    const onOpen = (error: Error | undefined, opened: ClientChannel): void => {
      if (error) {
        fail(link.lost ?? createStartError(link, error));
        return;
      }
      if (settled) {
        safely(() => opened.close());
        return;
      }
      channel = opened;
      opened.on('data', (chunk: Buffer) => appendStdout(outDecoder.write(chunk)));
      opened.stderr.on('data', (chunk: Buffer) => appendStderr(errDecoder.write(chunk)));
      opened.on('exit', (code: number | null, signal?: string) => {
        gotExit = true;
        state.exitCode = typeof code === 'number' ? code : null;
        state.signal = signal ?? null;
      });
      opened.on('error', () => undefined); // a close always follows
      opened.on('close', () => {
        if (link.lost && !gotExit && !timedOut && !aborted) fail(link.lost);
        else finish();
      });
      safely(() => {
        const input = options.stdin;
        if (Array.isArray(input)) {
          for (const chunk of input) opened.write(chunk);
          opened.end();
        } else opened.end((input as string | Buffer | undefined) ?? undefined);
      });
    };
    try {
      link.client.exec(command, onOpen);
    } catch (error) {
      fail(link.lost ?? createStartError(link, error));
    }
  });
}

/** The server refused a session channel (e.g. MaxSessions) or the link is going down. */
function createStartError(link: SshLink, cause: unknown): TransportError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new TransportError(`${describeTarget(link.target)}: cannot start command: ${detail}`, 'unreachable', true, {
    cause,
  });
}

interface ChannelInternals {
  outgoing: { id: number; state: string };
  _client: { _protocol: { signal(channelId: number, name: string): void } };
}

/**
 * ssh2's channel.signal() is a no-op once stdin was closed (the channel is no longer writable),
 * but the SSH protocol allows the signal request until the channel closes: send it directly.
 */
function sendSignal(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as ChannelInternals;
  const state = internals.outgoing?.state;
  if (state !== 'open' && state !== 'eof') return;
  internals._client._protocol.signal(internals.outgoing.id, name);
}

/** Callbacks of the caller and writes to a dying channel must not throw out of an event handler. */
function safely(action: () => void): void {
  try {
    action();
  } catch {
    // the result still comes through close/exit or the lost-connection path
  }
}
