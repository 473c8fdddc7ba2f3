import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, rmdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { assignFaults, parseFaultSpec } from './faults.js';
import { DEFAULT_LAB_DIR, isLabProcess, labFile, readLabInfo, writeJsonAtomically, type LabInfo, type LabRequest } from './lab-files.js';
import { checkPorts } from './port-check.js';
import { planPower, powerPaths, readPoweredOff, requestPower, selectLabPcs } from './power.js';
import { setScreenLock } from './screen-lock.js';
import { setLoggedOn } from './session-tools.js';
import { findPwsh } from '../shell/pwsh-path.js';
import { checkWindowsFault } from './windows/windows-faults.js';
import { pwshMissingMessage, windowsCount, WindowsShareError } from './windows/windows-share.js';
import { localTime } from '../model/local-time.js';
import { DEFAULT_SEED, removeLabFiles } from './start-lab.js';

export type LabLog = (line: string) => void;

export interface LabUpOptions {
  dir?: string; // default .homeshift/lab under the working directory
  machines?: number;
  sites?: number;
  faults?: string;
  seed?: number;
  windows?: string; // count or percentage of Windows PCs (default none; the CLI asks for 80% when pwsh is found)
  power?: string; // PCs switched off at the start and when they come on, e.g. off=30%:on-within=120
  log?: LabLog;
  /** argv of the background process; default: node <homeshift bin> lab serve --dir DIR. */
  command?: string[];
  timeoutMs?: number; // how long to wait until it serves
}

export interface LabStatus {
  dir: string;
  running: boolean;
  pid: number | null;
  started: string | null;
  projectDir: string | null;
  machines: number;
  windows: number; // of the machines, how many are Windows PCs
  listening: number; // ports of the lab in use right now
  expectedListening: number; // all PCs but the offline ones
  faults: Record<string, string[]>; // kind -> machine ids
  poweredOff: string[]; // switched off right now (lab power, the power schedule)
  message: string;
}

export const DEFAULT_MACHINES = 20;
export const DEFAULT_SITES = 2;
const POLL_MS = 100;
const BIN = fileURLToPath(new URL('../../bin/homeshift.js', import.meta.url));

export function resolveLabDir(dir?: string): string {
  return resolve(dir ?? DEFAULT_LAB_DIR);
}

/** The argv that starts the background lab process for `dir`. */
export function serveCommand(dir: string): string[] {
  return [process.execPath, BIN, 'lab', 'serve', '--dir', dir];
}

/** Start the lab as a detached background process, wait until it serves, and return what it recorded. */
export async function labUp(options: LabUpOptions = {}): Promise<LabInfo> {
  const dir = resolveLabDir(options.dir);
  const log = options.log ?? (() => undefined);
  const existing = await readLabInfo(dir);
  if (existing && (await isLabProcess(existing.pid, dir))) {
    throw new Error(`a lab is already running in ${dir} (pid ${existing.pid}); stop it with "homeshift lab down"`);
  }
  const request: LabRequest = {
    machines: options.machines ?? DEFAULT_MACHINES,
    sites: options.sites ?? DEFAULT_SITES,
    faults: options.faults ?? '',
    seed: options.seed ?? DEFAULT_SEED,
  };
  if (options.windows !== undefined) request.windows = options.windows;
  if (options.power) request.power = planPower(options.power, Array.from({ length: request.machines }, (_, i) => String(i)), 0).spec; // a bad spec is rejected here
  if (!Number.isInteger(request.machines) || request.machines < 1) throw new Error(`machines must be a positive whole number, not ${request.machines}`);
  if (!Number.isInteger(request.sites) || request.sites < 1) throw new Error(`sites must be a positive whole number, not ${request.sites}`);
  assignFaults(request.faults, Array.from({ length: request.machines }, (_, i) => String(i)), request.seed); // reject a bad spec here, not in the background
  const windows = windowsCount(request.windows ?? '0', request.machines);
  if (windows > 0 && !findPwsh()) throw new WindowsShareError(pwshMissingMessage(windows));
  if (windows > 0) for (const r of parseFaultSpec(request.faults)) checkWindowsFault({ kind: r.kind, heal: r.heal });
  await mkdir(dir, { recursive: true });
  await rm(labFile(dir, 'lab.json'), { force: true });
  await writeJsonAtomically(labFile(dir, 'lab-config.json'), request);

  const [command, ...args] = options.command ?? serveCommand(dir);
  const logFd = openSync(labFile(dir, 'lab.log'), 'w');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', logFd, logFd], cwd: dir });
  closeSync(logFd);
  let exited: string | null = null;
  child.on('error', (error) => (exited = error.message));
  child.on('exit', (code, signal) => (exited = signal ? `killed by ${signal}` : `exited with ${code}`));
  log(`starting lab with ${request.machines} PCs in ${dir} (pid ${child.pid})`);

  const timeoutMs = options.timeoutMs ?? 30_000 + request.machines * 100;
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const info = await readLabInfo(dir);
      if (info && info.pid === child.pid) {
        child.unref();
        log(`lab serving ${info.machines.length} PCs; project ${info.projectDir}`);
        return info;
      }
      if (exited !== null) throw new Error(`the lab process ${exited} before serving: ${await readLogTail(dir)}`);
      if (Date.now() > deadline) throw new Error(`the lab did not serve within ${Math.round(timeoutMs / 1000)}s: ${await readLogTail(dir)}`);
      await sleep(POLL_MS);
    }
  } catch (error) {
    if (exited === null && child.pid !== undefined) await stopProcess(child.pid, 2000);
    throw error;
  }
}

/** Stop the background lab of `dir` (SIGTERM, SIGKILL after a grace), wait until it is gone, and remove what it made. */
/**
 * Stops the lab by its pid and removes what `lab up` made; the journal, logs and anything else the operator made
 * in the lab's repository stay (`kept`, in `where`) unless `purge`.
 */
export async function labDown(dir?: string, options: { log?: LabLog; graceMs?: number; purge?: boolean } = {}): Promise<{ stopped: boolean; pid: number | null; kept: string[]; where: string }> {
  const labDir = resolveLabDir(dir);
  const log = options.log ?? (() => undefined);
  const info = await readLabInfo(labDir);
  let stopped = false;
  if (info && (await isLabProcess(info.pid, labDir))) {
    log(`stopping lab (pid ${info.pid})`);
    await stopProcess(info.pid, options.graceMs ?? 5000, labDir);
    stopped = true;
  } else {
    log(info ? `lab process ${info.pid} is not running` : `no lab recorded in ${labDir}`);
  }
  const { kept, where } = await removeLabFiles(labDir, { purge: options.purge });
  await Promise.all((['lab.json', 'lab-config.json', 'lab.log'] as const).map((n) => rm(labFile(labDir, n), { force: true })));
  await Promise.all(Object.values(powerPaths(labDir)).map((p) => rm(p, { recursive: true, force: true })));
  await rmdir(labDir).catch(() => undefined); // only when nothing else is left in it
  log(`removed the lab files in ${labDir}`);
  return { stopped, pid: info?.pid ?? null, kept, where };
}

/** Switch the PCs `selector` names on or off in the lab serving `dir`; returns the ids. */
export async function labPower(selector: string, on: boolean, dir?: string): Promise<string[]> {
  const labDir = resolveLabDir(dir);
  const info = await readLabInfo(labDir);
  if (!info || !(await isLabProcess(info.pid, labDir))) throw new Error(`no lab is running in ${labDir} (start one with "homeshift lab up")`);
  const machines = selectLabPcs(selector, info.machines);
  await requestPower(labDir, info.pid, { on, machines });
  return machines;
}

/** Change the screen lock of the PCs `selector` names on the PC side (off: it never locks; on: as before); returns the ids. */
export async function labScreenLock(selector: string, on: boolean, dir?: string): Promise<string[]> {
  const labDir = resolveLabDir(dir);
  const info = await readLabInfo(labDir);
  if (!info) throw new Error(`no lab in ${labDir} (start one with "homeshift lab up")`);
  const ids = selectLabPcs(selector, info.machines);
  const byId = new Map(info.machines.map((m) => [m.id, m]));
  for (const id of ids) await setScreenLock(byId.get(id)!, on);
  return ids;
}

/** Log a user on to the PCs `selector` names, or off again (lab PCs answer quser and loginctl from it); returns the ids. */
export async function labLogon(selector: string, on: boolean, dir?: string): Promise<string[]> {
  const labDir = resolveLabDir(dir);
  const info = await readLabInfo(labDir);
  if (!info) throw new Error(`no lab in ${labDir} (start one with "homeshift lab up")`);
  const ids = selectLabPcs(selector, info.machines);
  const byId = new Map(info.machines.map((m) => [m.id, m]));
  for (const id of ids) await setLoggedOn(byId.get(id)!.root, on);
  return ids;
}

/** Read lab.json and check the process and its ports. */
export async function labStatus(dir?: string): Promise<LabStatus> {
  const labDir = resolveLabDir(dir);
  const info = await readLabInfo(labDir);
  if (!info) {
    return { dir: labDir, running: false, pid: null, started: null, projectDir: null, machines: 0, windows: 0, listening: 0, expectedListening: 0, faults: {}, poweredOff: [], message: `no lab in ${labDir}` };
  }
  const running = await isLabProcess(info.pid, labDir);
  const expected = info.machines.filter((m) => m.fault?.kind !== 'offline');
  const listening = running ? await checkPorts(expected.map((m) => m.port)) : 0;
  const message = !running
    ? `lab process ${info.pid} is not running (stale ${labFile(labDir, 'lab.json')})`
    : listening === expected.length
      ? `lab serving ${info.machines.length} PCs (pid ${info.pid})`
      : `lab process ${info.pid} runs but only ${listening} of ${expected.length} PC ports are open`;
  return {
    dir: labDir,
    running,
    pid: info.pid,
    started: info.started,
    projectDir: info.projectDir,
    machines: info.machines.length,
    windows: info.machines.filter((m) => m.os === 'windows').length,
    listening,
    expectedListening: expected.length,
    faults: info.faults.byKind,
    poweredOff: running ? await readPoweredOff(labDir) : [],
    message,
  };
}

/** Lines for people: the status and the faults per kind with the PCs carrying them. */
export function formatLabStatus(status: LabStatus): string[] {
  const lines = [status.message];
  if (status.projectDir) lines.push(`project: ${status.projectDir}`, `started: ${localTime(status.started)}`, `PCs: ${status.windows} Windows, ${status.machines - status.windows} Linux`, `ports open: ${status.listening}/${status.expectedListening}`);
  const kinds = Object.entries(status.faults).filter(([, ids]) => ids.length > 0);
  if (kinds.length > 0) lines.push('faults:');
  for (const [kind, ids] of kinds) lines.push(`  ${kind} (${ids.length}): ${ids.join(', ')}`);
  if (status.poweredOff.length > 0) lines.push(`switched off (${status.poweredOff.length}): ${status.poweredOff.join(', ')}`);
  return lines;
}

async function stopProcess(pid: number, graceMs: number, dir?: string): Promise<void> {
  const alive = () => (dir ? isLabProcess(pid, dir) : isAlive(pid));
  signal(pid, 'SIGTERM');
  if (await waitGone(alive, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitGone(alive, 5000);
}

async function waitGone(alive: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!(await alive())) return true;
    await sleep(50);
  }
  return !(await alive());
}

async function isAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  return !/\) Z /.test(stat);
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

async function readLogTail(dir: string): Promise<string> {
  const text = await readFile(labFile(dir, 'lab.log'), 'utf8').catch(() => '');
  const lines = text.trim().split('\n').filter((l) => l.trim() !== '');
  return lines.slice(-5).join(' | ') || '(no output)';
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
