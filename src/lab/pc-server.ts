import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import ssh2 from 'ssh2';
import type { AuthContext, ClientInfo, Connection, ParsedKey, ServerChannel, Session } from 'ssh2';
import { createPcEnv, refuseExec, startExec, type ExecHandle, type ExecRequest } from './exec-session.js';
import { finishRestart, takeRestartRequest } from './session-tools.js';

const RESTART_AFTER_MS = 200; // the real PCs wait a minute (shutdown /t 60, -r +1) so the run can report first
const RESTART_DOWN_MS = 1500;
import { healFileFault } from './fault-files.js';
import type { Spawner } from './spawner.js';
import { parseHostKey } from './ssh-keys.js';
import type { AssignedFault } from './faults.js';
import type { LabCounters } from './lab-stats.js';
import { parseWindowsCommand, pwshArgv, windowsEnv, windowsPaths } from './windows/pwsh-launch.js';
import { PcFiles } from './pc-files.js';
import { serveSftp } from './sftp-session.js';
import { healWindowsFault } from './windows/windows-faults.js';

const { Server: SshServer } = ssh2;

/**
 * What the PC's SSH server says it is, as the real ones do: OpenSSH on both systems. Clients size their SFTP writes by
 * it (ssh2 writes 254 KiB to an OpenSSH server, 30 KiB to one it does not know).
 */
const SERVER_IDENT = { windows: 'OpenSSH_for_Windows_9.5', linux: 'OpenSSH_9.2p1 Debian-2+deb12u3' } as const;

/** Matches a step-end marker of the step program, e.g. `@@HS:bundle:softphone:end`. */
const STEP_END_RE = /@@HS:[^\n]*:end/;
const DROP_DELAY_MS = 20; // lets the marker reach the client before the socket dies

/** One simulated PC: its state is plain data; the listener and ssh2 servers are all it owns. */
export interface PcState {
  id: string;
  site: string;
  os: 'linux' | 'windows';
  user: string; // the employee's id, for faults that plant files in their profile
  root: string; // the PC's folder (a Windows PC's C:\ is C/ below it)
  port: number;
  fault: AssignedFault | null;
  attempts: number; // TCP connections accepted, the counter heal=K uses
  healed: boolean;
  saved: string | null; // what healing a file fault restores (crypttab text)
  powered?: boolean; // false: switched off (see power.ts)
}

/** What every PC of the fleet shares: the client key it accepts and the lab-wide bookkeeping. */
export interface FleetContext {
  clientKey: ParsedKey;
  verifyClient: (data: Buffer, signature: Buffer, hashAlgo?: string) => boolean; // with clientKey (createVerifier)
  pwsh: string | null; // what Windows PCs run PowerShell with
  counters: LabCounters;
  live: Set<{ stop(): void }>; // sockets, execs and timers to end when the lab stops
  shares?: string; // the file servers Windows PCs see (see windowsEnv)
  spawner?: Spawner; // starts the PCs' commands off the lab's thread; without one they are spawned on it
}

interface PcConnection {
  socket: Socket;
  fault: AssignedFault | null; // the fault in force for this connection
}

export class PcServer {
  private readonly listener: NetServer;
  private readonly connections = new Map<number, PcConnection>(); // by the client's port
  private ssh: InstanceType<typeof SshServer> | null = null;
  private readonly silent = new Set<Socket>(); // connections taken while switched off, never answered
  private wrongSsh: InstanceType<typeof SshServer> | null = null;
  private readonly files: PcFiles;

  constructor(
    readonly pc: PcState,
    private readonly fleet: FleetContext,
  ) {
    this.files = new PcFiles(pc);
    this.listener = createServer((socket) => this.onSocket(socket));
    this.listener.on('error', () => undefined);
  }

  /** Take a port from the OS on 127.0.0.1. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.listener.once('error', reject);
      this.listener.listen(0, '127.0.0.1', () => {
        this.listener.off('error', reject);
        const address = this.listener.address();
        this.pc.port = typeof address === 'object' && address ? address.port : 0;
        resolve(this.pc.port);
      });
    });
  }

  /** Start answering SSH with this host key; a hostkey fault presents `wrongHostKey` instead. */
  serve(hostKey: string, wrongHostKey?: string): void {
    const ident = SERVER_IDENT[this.pc.os];
    this.ssh = new SshServer({ hostKeys: [{ key: parseHostKey(hostKey) }], ident }, (client, info) => this.onClient(client, info));
    if (wrongHostKey) this.wrongSsh = new SshServer({ hostKeys: [{ key: parseHostKey(wrongHostKey) }], ident }, (client, info) => this.onClient(client, info));
  }

  /** Stop listening (the offline fault, or the lab stopping). */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.listener.listening) return resolve();
      this.listener.close(() => resolve());
    });
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  get poweredOn(): boolean {
    return this.pc.powered !== false;
  }

  /** Switch the PC off (its connections die, new ones are never answered) or on again. */
  setPower(on: boolean): void {
    if (on === this.poweredOn) return;
    this.pc.powered = on;
    if (on) {
      for (const socket of this.silent) socket.destroy();
      this.silent.clear();
      return;
    }
    for (const { socket } of this.connections.values()) socket.destroy();
  }

  private onSocket(socket: Socket): void {
    const { pc, fleet } = this;
    socket.on('error', () => undefined);
    if (!this.ssh) return void socket.destroy();
    if (pc.powered === false) return this.holdSilently(socket);
    pc.attempts += 1;
    fleet.counters.connections += 1;
    fleet.counters.active += 1;
    const healedNow = pc.fault !== null && !pc.healed;
    const fault = this.faultInForce();
    const entry: PcConnection = { socket, fault };
    const port = socket.remotePort ?? -1;
    const live = { stop: () => socket.destroy() };
    this.connections.set(port, entry);
    fleet.live.add(live);
    socket.once('close', () => {
      fleet.counters.active -= 1;
      fleet.live.delete(live);
      if (this.connections.get(port) === entry) this.connections.delete(port);
    });

    if (healedNow && pc.healed) {
      void this.healFiles().catch(() => undefined).then(() => this.hand(socket, null));
      return;
    }
    this.hand(socket, fault);
  }

  /** A switched-off PC: the connection is held and never answered, so the client waits into its own timeout. */
  private holdSilently(socket: Socket): void {
    const live = { stop: () => socket.destroy() };
    this.silent.add(socket);
    this.fleet.live.add(live);
    this.fleet.counters.unanswered += 1;
    socket.resume(); // read and drop what the client sends (its SSH banner)
    socket.once('close', () => {
      this.silent.delete(socket);
      this.fleet.live.delete(live);
    });
  }

  /** Hand the socket to the SSH server, as the fault in force says. */
  private hand(socket: Socket, fault: AssignedFault | null): void {
    const { fleet } = this;
    if (socket.destroyed || !this.ssh) return;
    const server = fault?.kind === 'hostkey' && this.wrongSsh ? this.wrongSsh : this.ssh;
    if (fault?.kind === 'slow') {
      fleet.counters.delayed += 1;
      const timer = setTimeout(() => {
        fleet.live.delete(pending);
        if (!socket.destroyed) server.injectSocket(socket);
      }, (fault.delaySeconds ?? 0) * 1000);
      const pending = { stop: () => clearTimeout(timer) };
      fleet.live.add(pending);
      return;
    }
    server.injectSocket(socket);
  }

  /** The PC's fault for this attempt; heals it (and its files) once heal=K attempts have been made. */
  private faultInForce(): AssignedFault | null {
    const { pc } = this;
    if (!pc.fault || pc.healed) return null;
    if (pc.fault.heal !== null && pc.attempts > pc.fault.heal) {
      pc.healed = true;
      this.fleet.counters.healed += 1;
      return null;
    }
    return pc.fault;
  }

  private onClient(client: Connection, info: ClientInfo): void {
    const entry = this.connections.get(info.port);
    const fault = entry?.fault ?? null;
    client.on('error', () => undefined);
    let rejected = false;
    client.on('authentication', (ctx: AuthContext) => {
      if (fault?.kind === 'auth') {
        if (!rejected) this.fleet.counters.authFailures += 1;
        rejected = true;
        return ctx.reject(['publickey']);
      }
      if (ctx.method !== 'publickey' || !this.acceptsKey(ctx)) return ctx.reject(['publickey']);
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (accept) => this.onSession(accept(), entry, fault));
    });
  }

  private acceptsKey(ctx: AuthContext): boolean {
    if (ctx.method !== 'publickey') return false;
    const { clientKey } = this.fleet;
    if (ctx.key.algo !== clientKey.type || !ctx.key.data.equals(clientKey.getPublicSSH())) return false;
    if (!ctx.signature) return true; // the client only asks whether the key would do
    return this.fleet.verifyClient(ctx.blob!, ctx.signature, ctx.hashAlgo);
  }

  private onSession(session: Session, entry: PcConnection | undefined, fault: AssignedFault | null): void {
    const env: Record<string, string> = {};
    let handle: ExecHandle | null = null;
    session.on('env', (accept, _reject, info) => {
      env[info.key] = info.val;
      accept?.();
    });
    session.on('pty', (_accept, reject) => reject?.());
    session.on('shell', (_accept, reject) => reject?.());
    session.on('signal', (accept, _reject, info) => {
      const name = `SIG${info.name.replace(/^SIG/, '')}` as NodeJS.Signals;
      if (handle && name in osConstants.signals) handle.kill(name);
      accept?.();
    });
    session.on('sftp', (accept) => {
      this.fleet.counters.fileSessions += 1;
      if (fault?.kind === 'hang') {
        this.fleet.counters.hangs += 1;
        return; // never answered: the client's time runs out
      }
      serveSftp(accept(), this.files);
    });
    session.on('exec', (accept, _reject, info) => {
      const channel = accept() as ServerChannel;
      const { counters, live } = this.fleet;
      counters.execs += 1;
      if (fault?.kind === 'hang') {
        counters.hangs += 1;
        return; // accepted, never answered: the client has to close the channel
      }
      const onStdout = fault?.kind === 'drop' && entry ? this.watchForDrop(entry.socket, fault.dropAfterBytes ?? Infinity) : undefined;
      const request = this.execRequest(info.command, env, channel);
      if (!request) return;
      counters.activeExecs += 1;
      handle = startExec({ ...request, onStdout });
      const own = handle;
      const stopper = { stop: () => own.kill() };
      live.add(stopper);
      void own.done.then(() => {
        counters.activeExecs -= 1;
        live.delete(stopper);
        return this.restartIfAsked();
      }).catch(() => undefined);
    });
  }

  /** The PC asked for a restart (its shutdown tool): off a moment after the session, then on again. */
  private async restartIfAsked(): Promise<void> {
    if (!(await takeRestartRequest(this.pc.root))) return;
    const { live } = this.fleet;
    const step = (ms: number, then: () => void | Promise<void>) => {
      const timer = setTimeout(() => { live.delete(pending); void then(); }, ms);
      const pending = { stop: () => clearTimeout(timer) };
      live.add(pending);
    };
    step(RESTART_AFTER_MS, () => {
      this.setPower(false);
      step(RESTART_DOWN_MS, async () => {
        await finishRestart(this.pc.root).catch(() => undefined);
        this.setPower(true);
      });
    });
  }

  /** How this PC runs a command: sh on Linux; on Windows the one PowerShell command line or a refusal (null). */
  private execRequest(command: string, env: Record<string, string>, channel: ServerChannel): ExecRequest | null {
    const { pc } = this;
    const { spawner } = this.fleet;
    if (pc.os === 'linux') return { command, root: pc.root, env: createPcEnv(pc.root, env), channel, spawner };
    const parsed = parseWindowsCommand(command);
    if (parsed.kind === 'refused') {
      refuseExec(channel, parsed.stderr, parsed.exitCode);
      return null;
    }
    if (!this.fleet.pwsh) {
      refuseExec(channel, "'powershell.exe' is not recognized as an internal or external command,\r\noperable program or batch file.\r\n", 1);
      return null;
    }
    return { command, argv: pwshArgv(this.fleet.pwsh, parsed.bootstrap), root: windowsPaths(pc.root).drive, env: windowsEnv(pc.root, pc.id, env, this.fleet.shares), channel, spawner };
  }

  /** The drop fault: destroy the connection after the first step-end marker or after `maxBytes` of stdout. */
  private watchForDrop(socket: Socket, maxBytes: number): (chunk: Buffer) => boolean {
    let tail = '';
    let bytes = 0;
    return (chunk) => {
      bytes += chunk.length;
      tail = (tail + chunk.toString('utf8')).slice(-4096);
      if (!STEP_END_RE.test(tail) && bytes < maxBytes) return true;
      this.fleet.counters.drops += 1;
      const timer = setTimeout(() => {
        this.fleet.live.delete(pending);
        socket.destroy();
      }, DROP_DELAY_MS);
      const pending = { stop: () => clearTimeout(timer) };
      this.fleet.live.add(pending);
      return false;
    };
  }

  /** Heal a file fault now (remove its fail file, restore crypttab); called when its attempt count is reached. */
  async healFiles(): Promise<void> {
    const { pc } = this;
    if (!pc.fault) return;
    if (pc.os === 'windows') await healWindowsFault(pc.root, pc.fault, { user: pc.user });
    else await healFileFault(pc.root, pc.fault, pc.saved);
  }
}
