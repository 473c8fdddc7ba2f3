import { spawn, type ChildProcess } from 'node:child_process';
import type { ServerChannel } from 'ssh2';
import { simPath } from './sim-tools.js';

/** One exec request on a simulated PC: a real `/bin/sh -c` in the PC root, piped to the channel. */
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
  /** Sees every stdout chunk before it is sent; returns false to stop forwarding (the connection is being dropped). */
  onStdout?: (chunk: Buffer) => boolean;
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
  const child = spawn('/bin/sh', ['-c', request.command], {
    cwd: request.root,
    env: request.env,
    detached: true, // own process group, so the whole command tree can be killed by -pid
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let finished = false;
  let forwarding = true;
  const kill = (signal: NodeJS.Signals = 'SIGKILL'): void => killGroup(child, signal, () => finished);

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
      sendExit(channel, 127, null, `sh: ${error.message}\n`);
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

function killGroup(child: ChildProcess, signal: NodeJS.Signals, isFinished: () => boolean): void {
  if (isFinished() || child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is already gone
  }
}
