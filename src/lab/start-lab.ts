/**
 * The lab: a simulated fleet of PCs, each an ssh2 server on its own 127.0.0.1 port with its own
 * ed25519 host key and directory tree (`<dir>/pcs/<MACHINE-ID>/`), where exec requests run a real
 * `/bin/sh -c` on a Linux PC, a real pwsh with simulated Windows commands on a Windows PC (see windows/).
 * Faults (offline, slow, auth, hostkey, drop, hang, fail-<step>, disk-full,
 * unencrypted) are assigned by a seeded PRNG and healed after heal=K connection attempts.
 */
import { startDistributionPoint, type DistributionPoint } from './distribution-point.js';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import ssh2 from 'ssh2';
import { applyFileFault } from './fault-files.js';
import { assignFaults, type AssignedFault, type FaultPlan } from './faults.js';
import { generateFleet } from './generate.js';
import { recordLabMade, removeLabMade } from './lab-made.js';
import { createSpawner } from './spawner.js';
import { createVerifier } from './ssh-keys.js';
import { generateEd25519 } from '../transport/key-pair.js';
import { pinLabSettings, readFleet } from './lab-project.js';
import { createCounters, type LabCounters } from './lab-stats.js';
import { PcServer, type FleetContext, type PcState } from './pc-server.js';
import { planPower, type PowerSchedule } from './power.js';
import { installSimTools } from './sim-tools.js';
import { findStepTouches } from './step-touches.js';
import { applyWindowsFault, checkWindowsFault } from './windows/windows-faults.js';
import { installWindowsPc } from './windows/windows-pc.js';
import { windowsPaths } from './windows/pwsh-launch.js';
import { findPwsh } from '../shell/pwsh-path.js';
import { isWindowsPc, pwshMissingMessage, windowsCount } from './windows/windows-share.js';

export interface StartLabOptions {
  dir: string;
  machines: number;
  sites: number;
  faults?: string;
  seed?: number;
  /** Windows PCs: a count or a percentage; default none (the CLI picks 80% when pwsh is found, see chooseWindowsShare). */
  windows?: string;
  /** PCs switched off at the start and when each comes on (see power.ts), e.g. `off=30%:on-within=120`. */
  power?: string;
  /** Told after PCs were switched on or off (by setPower or the schedule). */
  onPowerChange?: () => void;
}

export interface LabMachine {
  id: string;
  site: string;
  os: 'linux' | 'windows';
  host: string; // always 127.0.0.1
  port: number;
  root: string;
  fault: AssignedFault | null;
}

export interface LabStats extends LabCounters {
  machines: number;
  listening: number;
  attempts: Record<string, number>; // connection attempts per PC that has been contacted
}

export interface Lab {
  dir: string;
  projectDir: string;
  machines: LabMachine[];
  faults: FaultPlan;
  power: PowerSchedule;
  /** Switch these PCs on or off; returns the ids whose state changed. */
  setPower(ids: string[], on: boolean): string[];
  /** The PCs switched off right now, sorted. */
  poweredOff(): string[];
  distribution: DistributionPoint; // the web server of the lab's packages (packages/ of the lab folder)
  stats(): LabStats;
  stop(): Promise<void>;
}

export const DEFAULT_SEED = 1;
const SETUP_CONCURRENCY = 32;

/** Paths of what startLab makes under the lab folder (labDown removes exactly these). */
export function labPaths(dir: string) {
  return {
    pcs: join(dir, 'pcs'),
    project: join(dir, 'project'),
    keys: join(dir, 'keys'),
    identityFile: join(dir, 'keys', 'id_ed25519'),
    secrets: join(dir, 'secrets'),
    pskFile: join(dir, 'secrets', 'vpn-psk'),
    knownHosts: join(dir, 'known_hosts'),
    packages: join(dir, 'packages'), // what the lab's distribution point serves: packages/crm/app.msi is <url>crm/app.msi
    shares: join(dir, 'shares'), // the file servers of the Windows PCs: \\fileserver\software\x.msi is shares/fileserver/software/x.msi
  };
}

/** Start a lab in this process: write its rollout repository and serve its PCs until stop(). */
export async function startLab(options: StartLabOptions): Promise<Lab> {
  if (!Number.isInteger(options.machines) || options.machines < 1) throw new Error(`lab: machines must be a positive whole number, not ${options.machines}`);
  if (!Number.isInteger(options.sites) || options.sites < 1) throw new Error(`lab: sites must be a positive whole number, not ${options.sites}`);
  const dir = resolve(options.dir);
  const seed = options.seed ?? DEFAULT_SEED;
  const paths = labPaths(dir);
  await removeLabFiles(dir); // a lab left behind; what its operator made in the repository (and the shares) stays
  await Promise.all([paths.pcs, paths.keys, paths.secrets, paths.shares, paths.packages].map((p) => mkdir(p, { recursive: true })));

  const clientKeys = generateEd25519('homeshift-lab');
  await writeFile(paths.identityFile, clientKeys.private, { mode: 0o600 });
  await writeFile(`${paths.identityFile}.pub`, `${clientKeys.public}\n`);
  const clientKey = ssh2.utils.parseKey(clientKeys.public);
  if (clientKey instanceof Error) throw clientKey;

  const pwsh = findPwsh();
  const windows = windowsCount(options.windows ?? '0', options.machines);
  if (windows > 0 && !pwsh) throw new Error(pwshMissingMessage(windows));
  const accepted = Array.isArray(clientKey) ? clientKey[0] : clientKey;
  const fleet: FleetContext = { clientKey: accepted, verifyClient: createVerifier(accepted), pwsh, counters: createCounters(), live: new Set(), shares: paths.shares, spawner: createSpawner() };
  const servers = Array.from({ length: options.machines }, () => new PcServer(emptyPc(), fleet));
  const distribution = await startDistributionPoint(paths.packages);
  const stop = () => Promise.all([stopServers(servers, fleet), distribution.stop()]).then(() => undefined);
  try {
    const ports = await Promise.all(servers.map((s) => s.listen()));
    const generated = await generateFleet(paths.project, {
      machines: options.machines,
      sites: options.sites,
      seed,
      osFor: (i: number) => (isWindowsPc(i, windows, options.machines) ? 'windows' : 'linux'),
      hostFor: (i: number) => ({ host: '127.0.0.1', port: ports[i] }),
    });
    await recordLabMade(dir, generated.files);
    const faults = await setUpPcs(dir, servers, options.faults, seed);
    const byId = new Map(servers.map((s) => [s.pc.id, s]));
    const setPower = (ids: string[], on: boolean) => ids.filter((id) => {
      const server = byId.get(id);
      if (!server || server.poweredOn === on) return false;
      server.setPower(on);
      return true;
    });
    const setPowerTelling = (ids: string[], on: boolean) => {
      const changed = setPower(ids, on);
      if (changed.length > 0) options.onPowerChange?.();
      return changed;
    };
    const power = planPower(options.power, servers.map((s) => s.pc.id), seed);
    setPower(power.off, false);
    for (const [id, ms] of Object.entries(power.onAt)) {
      const timer = setTimeout(() => { fleet.live.delete(pending); setPowerTelling([id], true); }, ms);
      const pending = { stop: () => clearTimeout(timer) };
      fleet.live.add(pending);
    }
    return {
      dir,
      projectDir: paths.project,
      machines: servers.map(({ pc }) => ({ id: pc.id, site: pc.site, os: pc.os, host: '127.0.0.1', port: pc.port, root: pc.root, fault: pc.fault })),
      faults,
      power,
      setPower: setPowerTelling,
      poweredOff: () => servers.filter((s) => !s.poweredOn).map((s) => s.pc.id).sort(),
      distribution,
      stats: () => collectStats(servers, fleet.counters),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Name every PC after its machine, build its tree, pin the lab settings, put faults and host keys in place. */
async function setUpPcs(dir: string, servers: PcServer[], spec: string | undefined, seed: number): Promise<FaultPlan> {
  const paths = labPaths(dir);
  const { machines, mailboxes } = await readFleet(paths.project);
  const byPort = new Map(servers.map((s) => [s.pc.port, s]));
  const roots = new Map<string, string>();
  for (const machine of machines) {
    const server = byPort.get(machine.port);
    if (!server) throw new Error(`lab: machine ${machine.id} has port ${machine.port}, which is not one of the lab's PCs`);
    Object.assign(server.pc, { id: machine.id, site: machine.site, os: machine.os, user: machine.user, root: join(paths.pcs, machine.id) });
    roots.set(machine.id, machine.os === 'windows' ? windowsPaths(server.pc.root).drive : server.pc.root);
  }
  const unnamed = servers.find((s) => s.pc.id === '');
  if (unnamed) throw new Error(`lab: the generated inventory has no machine on port ${unnamed.pc.port}`);
  const windows = new Set(machines.filter((m) => m.os === 'windows').map((m) => m.id));
  await pinLabSettings(paths.project, { identityFile: paths.identityFile, knownHosts: paths.knownHosts, secretsDir: paths.secrets, roots, windows });

  const faults = assignFaults(spec, servers.map((s) => s.pc.id), seed);
  for (const { pc } of servers) if (pc.os === 'windows' && faults.byMachine[pc.id]) checkWindowsFault(faults.byMachine[pc.id]);
  const touches = await findStepTouches(paths.project, new Map(Object.entries(faults.byMachine)));
  await forEachLimited(servers, SETUP_CONCURRENCY, async (server) => {
    const { pc } = server;
    const context = { mailbox: mailboxes.get(pc.user), user: pc.user };
    await mkdir(pc.root, { recursive: true });
    pc.fault = faults.byMachine[pc.id] ?? null;
    if (pc.os === 'windows') {
      await installWindowsPc(pc.root, { user: pc.user });
      if (pc.fault) await applyWindowsFault(pc.root, pc.fault, context);
      return;
    }
    await installSimTools(pc.root);
    if (pc.fault) pc.saved = await applyFileFault(pc.root, pc.fault, { ...context, touches: touches.get(pc.id) });
  });

  const knownHosts: string[] = [];
  for (const server of servers) {
    const hostKey = generateEd25519();
    const wrongKey = server.pc.fault?.kind === 'hostkey' ? generateEd25519().private : undefined;
    server.serve(hostKey.private, wrongKey);
    knownHosts.push(`[127.0.0.1]:${server.pc.port} ${hostKey.public} ${server.pc.id}`);
    // the key its sshd writes to %ProgramData%\ssh at first start (the day-zero script collects it)
    if (server.pc.os === 'windows') await writeFile(join(windowsPaths(server.pc.root).state, 'sshd-host-key.pub'), `${hostKey.public}\n`);
  }
  await writeFile(paths.knownHosts, `${knownHosts.join('\n')}\n`);
  await Promise.all(servers.filter((s) => s.pc.fault?.kind === 'offline').map((s) => s.close()));
  return faults;
}

/** Remove what a lab writes into its folder; other files there stay. */
/** Removes what startLab made; the rollout repository keeps what others wrote into it, and the shares their packages, unless `purge`. */
export async function removeLabFiles(dir: string, options: { purge?: boolean } = {}): Promise<{ kept: string[]; where: string }> {
  return removeLabMade(dir, labPaths(dir), options);
}

async function stopServers(servers: PcServer[], fleet: FleetContext): Promise<void> {
  const closing = servers.map((s) => s.close());
  for (const item of [...fleet.live]) item.stop();
  fleet.live.clear();
  await Promise.all(closing);
  await fleet.spawner?.stop();
}

function collectStats(servers: PcServer[], counters: LabCounters): LabStats {
  const attempts: Record<string, number> = {};
  let listening = 0;
  for (const { pc, listening: on } of servers) {
    if (pc.attempts > 0) attempts[pc.id] = pc.attempts;
    if (on) listening += 1;
  }
  return { ...counters, machines: servers.length, listening, attempts };
}

function emptyPc(): PcState {
  return { id: '', site: '', os: 'linux', user: '', root: '', port: 0, fault: null, attempts: 0, healed: false, saved: null };
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
