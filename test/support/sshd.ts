/**
 * A real OpenSSH sshd for tests: private config, throw-away host and client keys, a free
 * loopback port, stopped by its pid (with the per-connection processes it forked).
 */
import { execa, execaSync } from 'execa';
import type { ResultPromise } from 'execa';
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair } from './keys.js';
import type { KeyType } from './keys.js';
import { simPath } from '../../src/lab/sim-tools.js';
import type { Target } from '../../src/transport/transport.js';

const SSHD = '/usr/sbin/sshd';

export interface SshdOptions {
  hostKeyType?: KeyType;
  extraConfig?: string[]; // sshd_config lines that take precedence over the defaults
  logLevel?: 'ERROR' | 'INFO' | 'VERBOSE'; // default ERROR; the log goes to `logFile`
  port?: number; // default: a free one
  /**
   * Sessions that arrive on one of these addresses get the PATH of a lab PC with this root (its simulated tools
   * first), as the lab's own PC server gives it: the programs homeshift sends carry no lab code.
   */
  simRoots?: { address: string; root: string }[];
  /**
   * Many lab PCs behind one address (benchmarks): a ForceCommand wrapper reads a machine program from stdin and
   * gives it the PATH of the PC whose root it names (its HS_ROOT line). Other commands run as they are.
   */
  simRootFromProgram?: boolean;
  /** false: no `Subsystem sftp` line, so the server refuses SFTP (default: internal-sftp, as Debian and Windows offer one). */
  sftp?: boolean;
}

// The PC a program is for, as a lab PC would be that root: its simulated tools first on PATH.
export const SIM_ROOT_WRAPPER = `#!/bin/sh
case $SSH_ORIGINAL_COMMAND in
  *'eval "$(cat)"'*) ;;
  *) exec /bin/sh -c "$SSH_ORIGINAL_COMMAND" ;;
esac
# $(cat) drops trailing newlines, as the command's own eval "$(cat)" does
program=$(cat)
# its HS_ROOT='...' line, read with the shell's own expansions: the floor it is compared with starts no sed either
root=
case $program in
  *"
HS_ROOT='"*) root=\${program#*"
HS_ROOT='"}; root=\${root%%"'"*} ;;
esac
if [ -n "$root" ] && [ -d "$root/.sim/bin" ]; then PATH="$root/.sim/bin:$PATH"; export PATH; fi
# a here-document: one writer process (dash forks one past a pipe's size), and the command runs in this one
exec /bin/sh -c "$SSH_ORIGINAL_COMMAND" <<HS_PROGRAM
$program
HS_PROGRAM
`;

/**
 * A non-root login for tests that need sshd's post-auth privilege separation: OpenSSH refuses
 * signal requests ("session signalling requires privilege separation") in root sessions.
 */
export const UNPRIVILEGED_USER = 'homeshift-ssh';

export interface Sshd {
  port: number;
  host: '127.0.0.1';
  user: string;
  clientKeyFile: string;
  knownHostsFile: string; // holds `[127.0.0.1]:port <host key>`
  hostPublicKey: string; // "ssh-ed25519 AAAA..."
  dir: string;
  logFile: string;
  pid: number;
  stop(): Promise<void>;
}

/** Is an OpenSSH server installed here? */
export function sshdAvailable(): boolean {
  return existsSync(SSHD);
}

export const SSHD_MISSING = `${SSHD} is not installed (apt-get install -y openssh-server): real-sshd tests skipped`;

/** Start sshd on 127.0.0.1 and wait until it speaks SSH. */
export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  try {
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // privilege separation directory
  } catch {
    // not root: sshd will say what is missing
  }
  const dir = await mkdtemp(join(tmpdir(), 'homeshift-sshd-'));
  await chmod(dir, 0o755); // authorized_keys is read with the login user's rights
  await mkdir(join(dir, 'home'), { mode: 0o755 });
  const hostKey = await generateKeyPair(dir, 'host_key', opts.hostKeyType ?? 'ed25519');
  const clientKey = await generateKeyPair(dir, 'client_key');
  await writeFile(join(dir, 'authorized_keys'), `${clientKey.publicKey}\n`, { mode: 0o644 });
  const port = opts.port ?? (await findFreePort());
  const configFile = join(dir, 'sshd_config');
  const wrapper = join(dir, 'sim-root-wrapper');
  if (opts.simRootFromProgram) await writeFile(wrapper, SIM_ROOT_WRAPPER, { mode: 0o755 });
  await writeFile(configFile, renderConfig(dir, port, hostKey.privateKeyFile, [
    ...(opts.extraConfig ?? []),
    ...(opts.simRootFromProgram ? [`ForceCommand ${wrapper}`] : []),
    // sshd refuses a second Subsystem line for the same name
    ...(opts.sftp !== false && !opts.extraConfig?.some((line) => /^\s*Subsystem\s+sftp\b/i.test(line)) ? ['Subsystem sftp internal-sftp'] : []),
    `LogLevel ${opts.logLevel ?? 'ERROR'}`,
  ], opts.simRoots ?? []));
  const knownHostsFile = join(dir, 'known_hosts');
  await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${hostKey.publicKey}\n`);

  const logFile = join(dir, 'sshd.log');
  const child = execa(SSHD, ['-D', '-e', '-f', configFile], { reject: false, stdin: 'ignore', stderr: { file: logFile } });
  let exited = false;
  void child.then(() => (exited = true));
  try {
    await waitForBanner(port, () => exited);
  } catch (error) {
    child.kill('SIGKILL');
    await child;
    const log = await readFile(logFile, 'utf8').catch(() => '');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`sshd did not start: ${(error as Error).message}\n${log}`);
  }
  const pid = child.pid as number;
  return {
    port,
    host: '127.0.0.1',
    user: await loginUser(),
    clientKeyFile: clientKey.privateKeyFile,
    knownHostsFile,
    hostPublicKey: hostKey.publicKey,
    dir,
    logFile,
    pid,
    stop: () => stopSshd(child, pid, dir),
  };
}

function renderConfig(dir: string, port: number, hostKeyFile: string, extra: string[], simRoots: { address: string; root: string }[]): string {
  const lines = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${hostKeyFile}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PermitRootLogin yes',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UseDNS no',
    'MaxStartups 500',
    'MaxSessions 200',
    'MaxAuthTries 20',
    'LoginGraceTime 30',
  ];
  if (versionAtLeast(9, 8)) lines.push('PerSourcePenalties no'); // failed-auth tests must not lock out loopback
  // Match blocks come last: every line after one belongs to it. sshd takes the first SetEnv that applies, so each
  // names every variable. HOME: the sessions' shells find no start-up files of the host's accounts.
  const home = `HOME=${join(dir, 'home')}`;
  const matches = [
    ...simRoots.flatMap(({ address, root }) => [`Match LocalAddress ${address}`, `  SetEnv ${home} PATH=${simPath(root)}`]),
    'Match all',
    `  SetEnv ${home}`,
  ];
  return [...extra, ...lines, ...matches, ''].join('\n'); // sshd keeps the first value: extra lines win
}

function versionAtLeast(major: number, minor: number): boolean {
  const result = execaSync(SSHD, ['-V'], { reject: false });
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(`${String(result.stderr)}${String(result.stdout)}`);
  if (!match) return false;
  const [found, foundMinor] = [Number(match[1]), Number(match[2])];
  return found > major || (found === major && foundMinor >= minor);
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForBanner(port: number, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('sshd exited');
    if (await readsBanner(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no SSH banner on 127.0.0.1:${port} within 10 s`);
}

function readsBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk) => done(chunk.toString('latin1').startsWith('SSH-')));
  });
}

/**
 * The account tests log in as. As root: TEST_ROOT_USER, root's rights under a name whose login shell is /bin/sh,
 * so sshd runs each command with a shell that reads no start-up files whatever root's own shell and ~/.bashrc do
 * (bash reads ~/.bashrc for commands that arrive over SSH). Elsewhere: the user running the tests.
 */
async function loginUser(): Promise<string> {
  const me = userInfo();
  if (me.uid !== 0) return me.username;
  return (await ensureAccount(TEST_ROOT_USER, ['--non-unique', '--uid', '0', '--gid', '0'])) ? TEST_ROOT_USER : me.username;
}

/** A login with uid 0 and /bin/sh as its shell, for the tests' sshd (see loginUser). */
export const TEST_ROOT_USER = 'homeshift-root';

/** Make sure UNPRIVILEGED_USER exists (home /tmp, shell /bin/sh); false when that is not possible here. */
export async function ensureUnprivilegedUser(): Promise<boolean> {
  return ensureAccount(UNPRIVILEGED_USER, ['--system']);
}

/** An account with home /tmp and shell /bin/sh, made when missing (as root); false when that is not possible here. */
async function ensureAccount(name: string, options: string[]): Promise<boolean> {
  const exists = async (): Promise<boolean> => (await execa('id', ['-u', name], { reject: false })).exitCode === 0;
  if (userInfo().uid !== 0) return exists();
  for (let attempt = 0; attempt < 5; attempt++) {
    // '*' (no password) rather than a locked '!': sshd without PAM refuses locked accounts
    if ((await exists()) && (await execa('usermod', ['-p', '*', '--shell', '/bin/sh', name], { reject: false })).exitCode === 0) {
      return true;
    }
    const args = [...options, '--no-create-home', '--home-dir', '/tmp', '--shell', '/bin/sh', '-p', '*', name];
    const created = await execa('useradd', args, { reject: false });
    if (created.exitCode === 0) return true;
    await new Promise((r) => setTimeout(r, 200)); // another test process may hold the passwd lock
  }
  return false;
}

/** Pids whose parent is `pid` (Linux /proc). */
export async function listChildPids(pid: number): Promise<number[]> {
  const children: number[] = [];
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) === pid) children.push(Number(name));
  }
  return children;
}

/** Every process below `pid` (children, their children, ...). */
export async function listDescendantPids(pid: number): Promise<number[]> {
  const children = await listChildPids(pid);
  const below = await Promise.all(children.map(listDescendantPids));
  return [...children, ...below.flat()];
}

/** End processes by pid, ignoring those already gone. */
export function killPids(pids: number[], signal: NodeJS.Signals = 'SIGTERM'): void {
  for (const id of pids) {
    try {
      process.kill(id, signal);
    } catch {
      // already gone
    }
  }
}

async function stopSshd(child: ResultPromise, pid: number, dir: string): Promise<void> {
  killPids([pid, ...(await listDescendantPids(pid))]); // sshd, its per-connection processes and their commands
  await child;
  await rm(dir, { recursive: true, force: true });
}

/** A transport Target for this sshd (strict against its known_hosts, client key file). */
export function targetFor(sshd: Sshd, overrides: Partial<Target> = {}): Target {
  return {
    id: 'PC-TEST',
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFile: sshd.clientKeyFile,
    hostKeyPolicy: 'strict',
    knownHosts: sshd.knownHostsFile,
    connectTimeoutMs: 30_000,
    ...overrides,
  };
}
