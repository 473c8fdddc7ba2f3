/**
 * The SSH transport on ssh2: one connection per machine, reused for all its execs.
 *
 * Connect rejects only with TransportError: unreachable (refused, no route, reset, unknown host
 * name; retryable), timeout (no handshake within connectTimeoutMs; retryable), auth (no key
 * accepted, or the host key refused by the policy; not retryable). Host keys are checked in
 * ssh2's hostVerifier, before authentication (see host-key-policy.ts).
 * Execs: see ssh-exec.ts (a connection lost mid-exec rejects with `unreachable`); files over SFTP: ssh-sftp.ts.
 * close() sends the disconnect and resolves; the socket ends in the background (see closeClient).
 * At most 64 handshakes run at once (handshake-window.ts); a connect waiting for its turn has no timeout yet.
 */
import { createFileCache } from './file-cache.js';
import { Client } from 'ssh2';
import type { ConnectConfig, ParsedKey } from 'ssh2';
import { expandHome, prepareHostKeyCheck, resolveKnownHostsFile } from './host-key-policy.js';
import { classifyConnectError, createConnectionLostError, describeTarget } from './ssh-errors.js';
import { createHandshakeWindow } from './handshake-window.js';
import { execOverSsh } from './ssh-exec.js';
import { openRemoteFiles } from './ssh-sftp.js';
import { parseSigningKey } from './signing-key.js';
import type { SshLink } from './ssh-exec.js';
import { TransportError } from './transport.js';
import type { Connection, Target, Transport } from './transport.js';

export interface SshTransportOptions {
  /** known_hosts file for targets that name none (default ~/.ssh/known_hosts). */
  pinnedKnownHosts?: string;
  /** false: accept-new accepts a new host key without pinning it (default true). */
  pinNewHostKeys?: boolean;
  /** Diagnostics: pinned keys, skipped known_hosts lines. */
  log?: (line: string) => void;
  /** SSH handshakes in flight at once (default 64); more connects wait, before their connect timeout starts. */
  handshakes?: number;
}

const DEFAULT_KEEPALIVE_MS = 15_000;
const DEFAULT_HANDSHAKES = 64;
const CLOSE_WAIT_MS = 2000;
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** Create the SSH transport. */
export function createSshTransport(opts: SshTransportOptions = {}): Transport {
  const log = opts.log ?? (() => undefined);
  const window = createHandshakeWindow(opts.handshakes ?? DEFAULT_HANDSHAKES);
  return {
    name: 'ssh',
    async connect(target: Target): Promise<Connection> {
      const file = resolveKnownHostsFile(target, opts.pinnedKnownHosts);
      const check = await prepareHostKeyCheck(target, file, log, opts.pinNewHostKeys !== false);
      const config = await buildConnectConfig(target, check.knownKeyTypes);
      return window(() => openLink(target, config, check.verify));
    },
  };
}

async function buildConnectConfig(target: Target, knownKeyTypes: string[]): Promise<ConnectConfig> {
  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username: target.user,
    readyTimeout: target.connectTimeoutMs,
    keepaliveInterval: target.keepaliveMs ?? DEFAULT_KEEPALIVE_MS,
    keepaliveCountMax: 3,
    algorithms: { serverHostKey: orderHostKeyAlgorithms(knownKeyTypes) as never },
  };
  let key: ParsedKey | Error | undefined;
  if (target.privateKey !== undefined) key = parseSigningKey(target.privateKey);
  else if (target.identityFile) key = await readIdentityFile(target);
  if (key instanceof Error) throw new TransportError(`${describeTarget(target)}: cannot use private key: ${key.message}`, 'auth', false);
  if (target.agent) {
    const socket = target.agent === true ? process.env.SSH_AUTH_SOCK : target.agent;
    if (!socket) {
      throw new TransportError(`${describeTarget(target)}: agent requested but SSH_AUTH_SOCK is not set`, 'auth', false);
    }
    config.agent = socket;
  }
  // ssh2's own order (none, the key, the agent), with the key parsed once per run instead of once per connect
  config.authHandler = ['none', ...(key ? [{ type: 'publickey' as const, username: target.user, key }] : []), ...(config.agent ? ['agent' as const] : [])] as never;
  return config;
}

const readKeyFile = createFileCache((content) => parseSigningKey(content));

async function readIdentityFile(target: Target): Promise<ParsedKey | Error> {
  const file = expandHome(target.identityFile ?? '');
  try {
    return await readKeyFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new TransportError(`${describeTarget(target)}: cannot read identity file ${file} (${code})`, 'auth', false, {
      cause: error,
    });
  }
}

/** Ask first for the key types known_hosts holds for this host, so a known host is checkable. */
function orderHostKeyAlgorithms(knownKeyTypes: string[]): string[] {
  const wanted = knownKeyTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
  const first = HOST_KEY_ALGORITHMS.filter((name) => wanted.includes(name));
  return [...first, ...HOST_KEY_ALGORITHMS.filter((name) => !first.includes(name))];
}

function openLink(
  target: Target,
  config: ConnectConfig,
  verifyHostKey: (key: Buffer) => Promise<string | null>,
): Promise<Connection> {
  return new Promise<Connection>((resolve, reject) => {
    const client = new Client();
    const link: SshLink = { client, target, lost: null, lostListeners: new Set() };
    let refusal: string | null = null;
    let ready = false;
    let settled = false;
    let closedByCaller = false;

    const refuse = (error: unknown): void => {
      if (settled) return;
      settled = true;
      const failure = refusal
        ? new TransportError(refusal, 'auth', false, { cause: error })
        : classifyConnectError(error, target);
      reject(failure);
      client.destroy();
    };
    const markLost = (cause?: unknown): void => {
      if (link.lost) return;
      link.lost = closedByCaller
        ? new TransportError(`${describeTarget(target)}: connection closed`, 'internal', false)
        : createConnectionLostError(target, cause);
      for (const listener of [...link.lostListeners]) listener(link.lost);
    };

    client.on('ready', () => {
      ready = true;
      settled = true;
      resolve({
        exec: (command, options) => execOverSsh(link, command, options),
        files: (timeoutMs) => openRemoteFiles(link, timeoutMs),
        close: () => closeClient(client, link, () => (closedByCaller = true)),
      });
    });
    client.on('error', (error: Error) => (ready ? markLost(error) : refuse(error)));
    client.on('close', () => {
      if (!ready) refuse(new Error('connection closed during the SSH handshake'));
      else markLost();
    });

    const hostVerifier = (key: Buffer, verify: (valid: boolean) => void): void => {
      verifyHostKey(key).then(
        (reason) => {
          refusal = reason;
          verify(reason === null);
        },
        (error: unknown) => {
          refusal = `${describeTarget(target)}: host key check failed: ${String(error)}`;
          verify(false);
        },
      )
        .catch((error: unknown) => refuse(error)); // the socket died while the key was checked
    };
    try {
      client.connect({ ...config, hostVerifier } as ConnectConfig);
    } catch (error) {
      // ssh2 validates the key material synchronously
      refuse(new TransportError(`${describeTarget(target)}: cannot use private key: ${(error as Error).message}`, 'auth', false));
    }
  });
}

/**
 * Ends the session without waiting for the PC's side of the teardown: the result is known by now, and a fork slot
 * (or the end of the run) must not wait a round trip for it. The socket is destroyed if the PC never closes it.
 */
function closeClient(client: Client, link: SshLink, markClosing: () => void): Promise<void> {
  if (link.lost) return Promise.resolve();
  markClosing();
  const timer = setTimeout(() => client.destroy(), CLOSE_WAIT_MS);
  client.once('close', () => clearTimeout(timer));
  client.end();
  return Promise.resolve();
}
