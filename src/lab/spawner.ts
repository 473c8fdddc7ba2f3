import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Starts the PCs' commands from worker threads. Node's spawn holds its thread until the child has exec'd
 * (a fork of the whole lab process, then the exec): on a loaded machine 5 to 20 ms a command, during which
 * the lab's thread answers no PC. A thousand PCs starting their programs at once would queue behind each
 * other's spawns, a cost no real PC pays (each sshd forks on its own CPU). Each worker spawns and relays the
 * child's pipes; the lab thread keeps the SSH side.
 */
const WORKER = `
const { spawn } = require('node:child_process');
const { parentPort } = require('node:worker_threads');
const children = new Map();
const post = (m) => parentPort.postMessage(m);
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    const child = spawn(m.file, m.args, { cwd: m.cwd, env: m.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    children.set(m.id, child);
    post({ type: 'spawned', id: m.id, pid: child.pid });
    child.stdout.on('data', (chunk) => post({ type: 'stdout', id: m.id, chunk }));
    child.stderr.on('data', (chunk) => post({ type: 'stderr', id: m.id, chunk }));
    child.stdin.on('error', () => undefined);
    child.on('error', (error) => post({ type: 'error', id: m.id, message: error.message }));
    child.on('close', (code, signal) => { children.delete(m.id); post({ type: 'close', id: m.id, code, signal }); });
  } else if (m.type === 'stdin') children.get(m.id)?.stdin.write(m.chunk);
  else if (m.type === 'end') children.get(m.id)?.stdin.end();
});
`;

type FromWorker =
  | { type: 'spawned'; id: number; pid: number | undefined }
  | { type: 'stdout' | 'stderr'; id: number; chunk: Uint8Array }
  | { type: 'error'; id: number; message: string }
  | { type: 'close'; id: number; code: number | null; signal: NodeJS.Signals | null };

/** What exec-session uses of a child process, for one started by a worker. */
export class RemoteChild extends EventEmitter {
  pid: number | undefined;
  readonly stdout = new EventEmitter();
  readonly stderr = new EventEmitter();
  readonly stdin: { write(chunk: Buffer): void; end(): void; on(event: 'error', listener: () => void): void };
  private pendingSignal: NodeJS.Signals | null = null;
  private closed = false;

  constructor(private readonly worker: Worker, readonly id: number) {
    super();
    this.stdin = {
      write: (chunk) => worker.postMessage({ type: 'stdin', id, chunk }),
      end: () => worker.postMessage({ type: 'end', id }),
      on: () => undefined, // the worker swallows stdin errors: the command may exit before reading
    };
  }

  /** SIGNAL to the child's process group, now or as soon as the worker says it started. */
  killGroup(signal: NodeJS.Signals): void {
    if (this.closed) return;
    if (this.pid === undefined) {
      this.pendingSignal = signal;
      return;
    }
    try {
      process.kill(-this.pid, signal);
    } catch {
      // the group is already gone
    }
  }

  receive(message: FromWorker): void {
    switch (message.type) {
      case 'spawned':
        this.pid = message.pid;
        if (this.pendingSignal && this.pid !== undefined) this.killGroup(this.pendingSignal);
        break;
      case 'stdout':
      case 'stderr':
        this[message.type].emit('data', Buffer.from(message.chunk.buffer, message.chunk.byteOffset, message.chunk.byteLength));
        break;
      case 'error':
        this.emit('error', new Error(message.message));
        break;
      case 'close':
        this.closed = true;
        this.emit('close', message.code, message.signal);
        break;
    }
  }
}

export interface Spawner {
  spawn(file: string, args: string[], options: { cwd: string; env: Record<string, string> }): RemoteChild;
  stop(): Promise<void>;
}

export function createSpawner(size = 4): Spawner {
  const children = new Map<number, RemoteChild>();
  const workers = Array.from({ length: size }, () => {
    const worker = new Worker(WORKER, { eval: true });
    worker.unref(); // the lab's servers keep the process alive, not the workers
    worker.on('message', (message: FromWorker) => {
      const child = children.get(message.id);
      if (!child) return;
      if (message.type === 'close') children.delete(message.id);
      child.receive(message);
    });
    return worker;
  });
  let next = 0;
  return {
    spawn(file, args, options) {
      const id = ++next;
      const worker = workers[id % workers.length];
      const child = new RemoteChild(worker, id);
      children.set(id, child);
      worker.postMessage({ type: 'start', id, file, args, cwd: options.cwd, env: options.env });
      return child;
    },
    async stop() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
