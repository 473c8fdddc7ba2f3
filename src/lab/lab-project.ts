import { randomBytes } from 'node:crypto';
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { isMap, isSeq, parse as parseYaml, parseDocument, type Document } from 'yaml';

/** A machine of the rollout repository the lab generated, as far as the lab needs it. */
export interface FleetMachine {
  id: string;
  site: string;
  port: number;
  os: 'linux' | 'windows';
  user: string;
}

/** What the lab pins in the generated repository so that it reaches its own PCs. */
export interface LabSettings {
  identityFile: string;
  knownHosts: string;
  secretsDir: string; // every secret of homeshift.yaml becomes a generated file here (vpnPsk: vpn-psk)
  roots: Map<string, string>; // machine id -> absolute PC root
  windows?: Set<string>; // machine ids of Windows PCs
}

// A Windows lab PC's steps run in a real pwsh whose cmdlets share the control machine's cores with every other PC.
export const WINDOWS_STEP_TIMEOUT = 30;

// One pwsh start costs the lab about 2 s of CPU. A real PC pays its shell's start-up on its own CPU; the lab's
// Windows PCs pay theirs on the control machine's few cores, all at once in the worst case. That shared cost goes
// into their start-up limit (ssh.startTimeout), never into a step's limit: a slow step in the lab is still a defect.
const PWSH_START_CPU_SECONDS = 2;

export function windowsStartTimeout(windowsPcs: number, cores = availableParallelism()): number {
  return WINDOWS_STEP_TIMEOUT + Math.ceil((windowsPcs * PWSH_START_CPU_SECONDS) / Math.max(1, cores));
}

export const LAB_SSH_USER = 'homeshift';

/** Read the machines (every inventory file) and the employees' mailboxes of a generated repository. */
export async function readFleet(projectDir: string): Promise<{ machines: FleetMachine[]; mailboxes: Map<string, string> }> {
  const config = await readConfig(projectDir);
  const machines: FleetMachine[] = [];
  for (const file of await listInventoryFiles(projectDir, config)) {
    const doc = parseYaml(await readFile(file, 'utf8')) as { site?: { id?: string }; machines?: Record<string, unknown>[] } | null;
    for (const m of doc?.machines ?? []) {
      machines.push({
        id: String(m.id),
        site: String(m.site ?? doc?.site?.id ?? ''),
        port: Number(m.port),
        os: m.os === 'windows' ? 'windows' : 'linux',
        user: String(m.user ?? ''),
      });
    }
  }
  return { machines, mailboxes: await readMailboxes(projectDir, config) };
}

/** Give every machine `vars.root`, and homeshift.yaml the lab's ssh settings and the VPN secret file. */
export async function pinLabSettings(projectDir: string, settings: LabSettings): Promise<void> {
  const configFile = join(projectDir, 'homeshift.yaml');
  const configDoc = parseDocument(await readFile(configFile, 'utf8'));
  configDoc.setIn(['ssh', 'user'], LAB_SSH_USER);
  configDoc.setIn(['ssh', 'identityFile'], settings.identityFile);
  configDoc.setIn(['ssh', 'hostKeyPolicy'], 'strict');
  configDoc.setIn(['ssh', 'knownHosts'], settings.knownHosts);
  configDoc.deleteIn(['ssh', 'port']);
  // Loopback PCs answer at once: short limits keep a hung simulated PC from holding a demo for minutes.
  configDoc.setIn(['ssh', 'connectTimeout'], 10);
  configDoc.setIn(['ssh', 'stepTimeout'], 15);
  configDoc.setIn(['ssh', 'machineTimeout'], 120);
  const config = configDoc.toJS() as Record<string, unknown>;
  const names = new Set(['vpnPsk', ...Object.keys((config.secrets as Record<string, unknown> | null) ?? {})]);
  for (const name of names) {
    const file = join(settings.secretsDir, secretFileName(name));
    await writeFile(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
    configDoc.setIn(['secrets', name], configDoc.createNode({ file }));
  }
  await writeFile(configFile, configDoc.toString());

  for (const file of await listInventoryFiles(projectDir, config)) {
    const doc = parseDocument(await readFile(file, 'utf8'));
    if (setMachineRoots(doc, settings.roots, settings.windows ?? new Set())) await writeFile(file, doc.toString());
  }
}

/** vpnPsk -> vpn-psk */
export function secretFileName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/[^A-Za-z0-9.-]/g, '-').toLowerCase();
}

function setMachineRoots(doc: Document, roots: Map<string, string>, windows: Set<string>): boolean {
  const startTimeout = windowsStartTimeout(windows.size);
  const machines = doc.get('machines');
  if (!isSeq(machines)) return false;
  let changed = false;
  for (const item of machines.items) {
    if (!isMap(item)) continue;
    const root = roots.get(String(item.get('id')));
    if (root === undefined) continue;
    item.setIn(['vars', 'root'], root);
    if (windows.has(String(item.get('id')))) {
      item.setIn(['ssh', 'stepTimeout'], WINDOWS_STEP_TIMEOUT);
      item.setIn(['ssh', 'startTimeout'], startTimeout);
    }
    changed = true;
  }
  return changed;
}

async function readConfig(projectDir: string): Promise<Record<string, unknown>> {
  const text = await readFile(join(projectDir, 'homeshift.yaml'), 'utf8');
  return (parseYaml(text) as Record<string, unknown> | null) ?? {};
}

async function listInventoryFiles(projectDir: string, config: Record<string, unknown>): Promise<string[]> {
  const entries = config.inventory ?? 'inventory';
  const paths = (Array.isArray(entries) ? entries : [entries]).map((p) => resolve(projectDir, String(p)));
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (!info) continue;
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const names = (await readdir(path)).filter((n) => /\.ya?ml$/.test(n)).sort();
    files.push(...names.map((n) => join(path, n)));
  }
  return files;
}

async function readMailboxes(projectDir: string, config: Record<string, unknown>): Promise<Map<string, string>> {
  const file = resolve(projectDir, String(config.directory ?? 'directory/employees.csv'));
  const text = await readFile(file, 'utf8').catch(() => '');
  const rows: Record<string, unknown>[] =
    extname(file) === '.csv'
      ? (parseCsv(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, unknown>[])
      : (((parseYaml(text) as { employees?: Record<string, unknown>[] } | null)?.employees) ?? []);
  return new Map(rows.map((row) => [String(row.id), String(row.mailbox ?? '')]));
}
