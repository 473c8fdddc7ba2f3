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

/** What a remote file system says about one path. */
export interface RemoteStat {
  size: number;
  isFile: boolean;
  isDirectory: boolean;
}

/**
 * The PC's file system over the connection's SFTP subsystem, paths in the server's form (absolute, forward slashes).
 * A lost connection rejects with TransportError `unreachable`, the session's time running out with `timeout`;
 * what the server refuses (no such folder, permission denied) rejects with RemoteFileError.
 */
export interface RemoteFiles {
  stat(path: string): Promise<RemoteStat | null>; // null: nothing there
  mkdir(path: string): Promise<void>;
  /** Creates or truncates the file and writes all of `bytes`, several writes in flight. */
  writeFile(path: string, bytes: Buffer): Promise<void>;
  /** Moves `from` onto `to`, replacing what is there. */
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
  close(): void;
}

/** A live connection to one machine, reused for all its steps. */
export interface Connection {
  exec(command: string, options: ExecOptions): Promise<ExecResult>;
  /** Opens the PC's files (SFTP); null when the server offers no SFTP. The opening and each call must end within `timeoutMs`. */
  files?(timeoutMs: number): Promise<RemoteFiles | null>;
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

/** The server refused a file operation; `code` is its SFTP status (2 no such file, 3 permission denied, 4 failure). */
export class RemoteFileError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
    this.name = 'RemoteFileError';
  }
}
