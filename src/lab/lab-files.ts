import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultPlan } from './faults.js';
import type { LabMachine } from './start-lab.js';

/** What `lab up` asks the background process for (`<dir>/lab-config.json`). */
export interface LabRequest {
  machines: number;
  sites: number;
  faults: string;
  seed: number;
  windows?: string; // count or percentage of Windows PCs; absent: the default
  power?: string; // PCs switched off at the start and when they come on (see power.ts)
}

/** What the background process records once it serves (`<dir>/lab.json`). */
export interface LabInfo {
  pid: number;
  dir: string;
  projectDir: string;
  started: string; // ISO time
  seed: number;
  sites: number;
  ports: number[]; // in machine order; an offline PC's port is reserved in the inventory but refused
  machines: LabMachine[];
  faults: FaultPlan;
}

export const DEFAULT_LAB_DIR = join('.homeshift', 'lab');

export function labFile(dir: string, name: 'lab.json' | 'lab-config.json' | 'lab.log'): string {
  return join(dir, name);
}

export async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, file);
}

/** Read lab.json; null when there is none or it cannot be read as one. */
export async function readLabInfo(dir: string): Promise<LabInfo | null> {
  const text = await readFile(labFile(dir, 'lab.json'), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const info = JSON.parse(text) as LabInfo;
    return typeof info.pid === 'number' && Array.isArray(info.machines) ? info : null;
  } catch {
    return null;
  }
}

export async function readLabRequest(dir: string): Promise<LabRequest> {
  const file = labFile(dir, 'lab-config.json');
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`${file}: not found (start the lab with "homeshift lab up")`);
  });
  try {
    return JSON.parse(text) as LabRequest;
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`);
  }
}

/** True when `pid` is alive and is the lab process serving `dir` (guards against a reused pid). */
export async function isLabProcess(pid: number, dir: string): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return false; // gone, or not ours to signal
  }
  const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => null);
  if (cmdline === null) return true; // no /proc: trust the pid
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
  if (/\) Z /.test(stat)) return false; // exited, not yet reaped
  return cmdline.split('\0').includes(dir);
}
