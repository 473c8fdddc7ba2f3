import type { ErrorClass } from '../model/result.js';
import type { HostKeyPolicy } from '../model/project.js';

/** Where and how to reach one machine. */
export interface Target {
  id: string; // machine id, for messages
  host: string;
  port: number;
  user: string;
  identityFile?: string; // private key file
  privateKey?: Buffer | string; // alternative to identityFile
  agent?: string | boolean; // true: $SSH_AUTH_SOCK
  hostKeyPolicy: HostKeyPolicy;
  knownHosts?: string; // known_hosts file: checked under strict; accept-new pins new keys into it
  connectTimeoutMs: number;
  keepaliveMs?: number;
}

export interface ExecOptions {
  stdin?: string | Buffer | readonly Buffer[]; // written (chunks in order, never joined) and closed
  timeoutMs: number; // the command is ended (signal, then channel close) after this
  onStdout?: (chunk: string) => void; // streamed as it arrives (utf8)
  onStderr?: (chunk: string) => void;
  signal?: AbortSignal; // abort: end the command now
}

export interface ExecResult {
  exitCode: number | null; // null when killed by a signal or the channel closed without status
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

/** A live connection to one machine, reused for all its steps. */
export interface Connection {
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

export interface Transport {
  readonly name: string;
  /** Connect, or reject with a TransportError whose errorClass says why (unreachable, auth, timeout). */
  connect(target: Target): Promise<Connection>;
}

/** Connect failures carry the error class the journal records. Transports throw only this. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly errorClass: Extract<ErrorClass, 'unreachable' | 'auth' | 'timeout' | 'interrupted' | 'internal'>,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransportError';
  }
}
