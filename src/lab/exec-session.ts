import { spawn } from 'node:child_process';
import type { ServerChannel } from 'ssh2';
import { simPath } from './sim-tools.js';
import { RemoteChild, type Spawner } from './spawner.js';

/** One exec request on a simulated PC: a real `/bin/sh -c` (or the program in argv) in the PC root, piped to the channel. */
export interface ExecHandle {
  /** End the command: SIGKILL to its whole process group. Safe to call twice. */
  kill(signal?: NodeJS.Signals): void;
  readonly done: Promise<void>;
}

export interface ExecRequest {
  command: string;
  root: string;
  env: Record<string, string>;
  channel: ServerChannel;
  /** What to start instead of `/bin/sh -c command` (a Windows PC's pwsh). */
  argv?: [string, ...string[]];
  /** Sees every stdout chunk before it is sent; returns false to stop forwarding (the connection is being dropped). */
  onStdout?: (chunk: Buffer) => boolean;
  /** Starts the command off the lab's thread (see spawner.ts); spawned here without one. */
  spawner?: Spawner;
}

/** What a session uses of its command's process, started here or by a spawner's worker. */
interface ChildLike {
  pid?: number;
  stdout: { on(event: 'data', listener: (chunk: Buffer) => void): unknown } | null;
  stderr: { on(event: 'data', listener: (chunk: Buffer) => void): unknown } | null;
  stdin: { write(chunk: Buffer): unknown; end(): unknown; on(event: 'error', listener: () => void): unknown } | null;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}

/** The environment a simulated PC gives its commands: its sim tools first on PATH, HOME in its root. */
export function createPcEnv(root: string, fromClient: Record<string, string>): Record<string, string> {
  return {
    LANG: 'C.UTF-8',
    ...fromClient,
    PATH: simPath(root),
    HOME: root,
    HS_SIM_ROOT: root,
  };
}

export function startExec(request: ExecRequest): ExecHandle {
  const { channel } = request;
  const [file, ...args] = request.argv ?? ['/bin/sh', '-c', request.command];
  const child: ChildLike = request.spawner
    ? request.spawner.spawn(file, args, { cwd: request.root, env: request.env })
    : spawn(file, args, {
      cwd: request.root,
      env: request.env,
      detached: true, // own process group, so the whole command tree can be killed by -pid
      stdio: ['pipe', 'pipe', 'pipe'],
    }) as ChildLike;
  let finished = false;
  let forwarding = true;
  const kill = (signal: NodeJS.Signals = 'SIGKILL'): void => {
    if (child instanceof RemoteChild) {
      if (!finished) child.killGroup(signal);
    } else killGroup(child, signal, () => finished);
  };

  child.stdout!.on('data', (chunk: Buffer) => {
    if (!forwarding) return;
    if (request.onStdout && !request.onStdout(chunk)) {
      forwarding = false;
      channel.write(chunk);
      kill();
      return;
    }
    channel.write(chunk);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    if (forwarding) channel.stderr.write(chunk);
  });
  child.stdin!.on('error', () => undefined); // the command may exit before reading its stdin
  channel.on('data', (chunk: Buffer) => child.stdin!.write(chunk));
  channel.on('end', () => child.stdin!.end());
  channel.on('close', () => kill());

  const done = new Promise<void>((resolve) => {
    child.on('error', (error) => {
      finished = true;
      sendExit(channel, 127, null, `${file}: ${error.message}\n`);
      resolve();
    });
    child.on('close', (code, signal) => {
      finished = true;
      if (forwarding) sendExit(channel, code, signal, '');
      resolve();
    });
  });
  return { kill, done };
}

function sendExit(channel: ServerChannel, code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
  if (channel.destroyed || !channel.writable) return;
  if (stderr) channel.stderr.write(stderr);
  if (code !== null) channel.exit(code);
  else channel.exit(signal ?? 'KILL', false, '');
  channel.end();
}

function killGroup(child: ChildLike, signal: NodeJS.Signals, isFinished: () => boolean): void {
  if (isFinished() || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}

/** Answer an exec request without running anything: what a PC prints for a command it does not have. */
export function refuseExec(channel: ServerChannel, stderr: string, exitCode: number): void {
  sendExit(channel, exitCode, null, stderr);
}
