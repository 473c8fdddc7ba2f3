/**
 * Lab PCs that are switched off and on. A switched-off PC does not answer at all: its port still takes the TCP
 * connection (as a router or VPN concentrator in front of a sleeping PC does) but no SSH banner ever comes, so a
 * probe or a connect runs into its timeout; it is never refused. A power schedule (`off=6`, `off=30%:on-within=120`)
 * switches a share of the fleet off at the start and each of them on at a seeded random moment.
 */
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FaultSpecError, createRandom } from './faults.js';

export interface PowerSchedule {
  spec: string;
  off: string[]; // machine ids switched off at the start, sorted
  onAt: Record<string, number>; // machine id -> milliseconds after the start at which it is switched on
}

const SPEC_RE = /^off=(\d+)(%)?(?::on-within=(\d+))?$/;

/** Parse and apply a power spec to the fleet; throws FaultSpecError naming the bad part. */
export function planPower(spec: string | undefined, machineIds: string[], seed: number): PowerSchedule {
  const text = (spec ?? '').trim();
  if (text === '' || text === 'none') return { spec: '', off: [], onAt: {} };
  const m = SPEC_RE.exec(text);
  if (!m) throw new FaultSpecError(`power schedule "${text}": expected off=N or off=P% with an optional :on-within=SECONDS (e.g. off=30%:on-within=120)`);
  const count = m[2] ? Math.round((Number(m[1]) / 100) * machineIds.length) : Number(m[1]);
  if (count > machineIds.length) throw new FaultSpecError(`power schedule "${text}": asks for ${count} PCs but the lab has ${machineIds.length}`);
  const random = createRandom(seed ^ 0x5eed);
  const ids = [...machineIds].sort();
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ids[i], ids[j]] = [ids[j], ids[i]];
  }
  const off = ids.slice(0, count).sort();
  const onAt: Record<string, number> = {};
  if (m[3] !== undefined) for (const id of off) onAt[id] = Math.round(random() * Number(m[3]) * 1000);
  return { spec: text, off, onAt };
}

/**
 * The machine ids a power selector names: comma-separated ids, globs with `*`, `site=SITE` or `all`.
 * Throws FaultSpecError for a part that names no PC.
 */
export function selectLabPcs(selector: string, machines: { id: string; site: string }[]): string[] {
  const chosen = new Set<string>();
  for (const part of selector.split(',').map((p) => p.trim()).filter(Boolean)) {
    const matches = part === 'all'
      ? machines
      : part.startsWith('site=')
        ? machines.filter((mc) => mc.site === part.slice(5))
        : machines.filter((mc) => globToRegExp(part).test(mc.id));
    if (matches.length === 0) throw new FaultSpecError(`"${part}" names no PC of the lab`);
    for (const mc of matches) chosen.add(mc.id);
  }
  if (chosen.size === 0) throw new FaultSpecError('no PCs selected');
  return [...chosen].sort();
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Where `lab power` leaves its requests for the background lab, and where the lab records who is off. */
export function powerPaths(dir: string): { requests: string; state: string } {
  return { requests: join(dir, 'power-requests'), state: join(dir, 'power.json') };
}

export interface PowerRequest {
  on: boolean;
  machines: string[];
}

/** Leave a request for the lab serving `dir`, wake it (SIGUSR2), and wait until it has taken the request. */
export async function requestPower(dir: string, pid: number, request: PowerRequest, timeoutMs = 10_000): Promise<void> {
  const { requests } = powerPaths(dir);
  await mkdir(requests, { recursive: true });
  const file = join(requests, `${Date.now()}-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify(request));
  await rename(`${file}.tmp`, file);
  process.kill(pid, 'SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (await stat(file).then(() => true, () => false)) {
    if (Date.now() > deadline) {
      await rm(file, { force: true });
      throw new Error(`the lab (pid ${pid}) did not take the power request within ${Math.round(timeoutMs / 1000)} s`);
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}

/** In the lab process: apply every waiting request in order, record the PCs now off, then remove the requests. */
export async function takePowerRequests(dir: string, apply: (request: PowerRequest) => void, poweredOff: () => string[]): Promise<void> {
  const { requests } = powerPaths(dir);
  const names = (await readdir(requests).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  for (const name of names) {
    const text = await readFile(join(requests, name), 'utf8').catch(() => null);
    if (text === null) continue;
    try {
      const request = JSON.parse(text) as PowerRequest;
      if (Array.isArray(request.machines)) apply({ on: request.on === true, machines: request.machines.map(String) });
    } catch {
      // a request that cannot be read is dropped; its sender times out with a message
    }
  }
  await writePowerState(dir, poweredOff());
  await Promise.all(names.map((n) => rm(join(requests, n), { force: true })));
}

export async function writePowerState(dir: string, off: string[]): Promise<void> {
  const { state } = powerPaths(dir);
  const temp = `${state}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ off })}\n`);
  await rename(temp, state);
}

/** The PCs the lab of `dir` has switched off (its last record), or none. */
export async function readPoweredOff(dir: string): Promise<string[]> {
  const text = await readFile(powerPaths(dir).state, 'utf8').catch(() => null);
  if (text === null) return [];
  try {
    const parsed = JSON.parse(text) as { off?: unknown };
    return Array.isArray(parsed.off) ? parsed.off.map(String) : [];
  } catch {
    return [];
  }
}
