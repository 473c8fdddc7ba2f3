import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel } from 'ssh2';

/** A plain ssh2 client for the lab tests: connect, run, and see exactly what the PC did. */
export interface ConnectOptions {
  port: number;
  privateKey: string;
  expectedHostKey?: string; // "ssh-ed25519 AAAA..." as in known_hosts; checked like strict
  readyTimeout?: number;
}

export function connect(options: ConnectOptions): Promise<SshClient> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    client.on('ready', () => resolve(client));
    client.on('error', (error) => {
      client.end();
      reject(error);
    });
    client.connect({
      host: '127.0.0.1',
      port: options.port,
      username: 'homeshift',
      privateKey: options.privateKey,
      readyTimeout: options.readyTimeout ?? 10_000,
      hostVerifier: options.expectedHostKey ? (key: Buffer) => key.toString('base64') === options.expectedHostKey!.split(' ')[1] : undefined,
    });
  });
}

export interface RunResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  closedBy: 'exit' | 'connection-lost';
}

/** Run one command; resolves when its channel closes or the connection is lost. */
export function run(client: SshClient, command: string, stdin?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error);
      const result: RunResult = { stdout: '', stderr: '', code: null, signal: null, closedBy: 'exit' };
      let done = false;
      const finish = (by: RunResult['closedBy']) => {
        if (done) return;
        done = true;
        result.closedBy = by;
        resolve(result);
      };
      channel.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
      channel.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
      channel.on('exit', (code: number | null, signal?: string) => {
        result.code = code ?? null;
        result.signal = signal ?? null;
      });
      channel.on('close', () => finish(result.code === null && result.signal === null ? 'connection-lost' : 'exit'));
      client.once('close', () => finish('connection-lost'));
      if (stdin !== undefined) channel.end(stdin);
    });
  });
}

/** Start a command and hand back its channel (for hang and kill tests). */
export function open(client: SshClient, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

export function waitFor(check: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      if (await check()) return resolve();
      if (Date.now() > deadline) return reject(new Error('condition not met in time'));
      setTimeout(tick, 25);
    };
    void tick();
  });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
