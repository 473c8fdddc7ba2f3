import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { runCli } from '../cli/run-cli.js';

/**
 * A lab repository whose directory, site, inventory and vars values spell secret placeholders: the poisoned PC
 * ends up with the same files holding each secret as a PC of the same profile without them, and no secret value
 * reaches any output, log or journal row.
 */
const LOOK_ALIKES = ['@@HS_SECRET:vpnPsk@@', '@@HS_SECRET:enrolmentToken@@', '{{secret "vpnPsk"}} @@HS_SECRET:undeclared@@'];
let dir: string;
let lab: Lab;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hs-leak-'));
  lab = await startLab({ dir, machines: 4, sites: 1, seed: 3, faults: '' });
}, 180_000);

afterAll(async () => {
  await lab?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

async function filesHolding(root: string, value: string): Promise<string[]> {
  const found: string[] = [];
  for (const file of await walk(root)) if ((await readFile(file)).includes(value)) found.push(relative(root, file));
  return found.sort();
}

async function poison(projectDir: string, machineId: string, user: string): Promise<void> {
  const csv = join(projectDir, 'directory', 'employees.csv');
  const lines = (await readFile(csv, 'utf8')).split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${user},`));
  const cells = lines[at].split(',');
  cells[1] = LOOK_ALIKES[0];
  cells[2] = `"${LOOK_ALIKES[1]} ${LOOK_ALIKES[2].replace(/"/g, '""')}"`;
  lines[at] = cells.join(',');
  await writeFile(csv, lines.join('\n'));
  const inventoryDir = join(projectDir, 'inventory');
  for (const name of await readdir(inventoryDir)) {
    const file = join(inventoryDir, name);
    const doc = parseDocument(await readFile(file, 'utf8'));
    doc.setIn(['site', 'name'], LOOK_ALIKES.join(' '));
    doc.setIn(['site', 'vars', 'dnsNote'], LOOK_ALIKES[0]);
    const machines = doc.get('machines') as { items: { get(k: string): unknown; setIn(p: string[], v: unknown): void }[] };
    for (const item of machines.items) if (item.get('id') === machineId) item.setIn(['vars', 'mailServer'], LOOK_ALIKES[0]);
    await writeFile(file, doc.toString());
  }
}

test('placeholder look-alikes in values pull no secret into any file, output, log or journal row', async () => {
  const project = lab.projectDir;
  const config = parse(await readFile(join(project, 'homeshift.yaml'), 'utf8')) as { secrets: Record<string, { file: string }> };
  const secrets = await Promise.all(Object.values(config.secrets).map(async (s) => (await readFile(s.file, 'utf8')).trim()));
  expect(secrets.length).toBeGreaterThanOrEqual(2);
  const machines = lab.machines.map((m) => m.id);
  const inventory = parse(await readFile(join(project, 'inventory', (await readdir(join(project, 'inventory')))[0]), 'utf8')) as { machines: { id: string; user: string; role: string }[] };
  const target = inventory.machines[0];
  const peer = inventory.machines.find((m) => m.id !== target.id && m.role === target.role)!;
  expect(peer).toBeDefined();
  await poison(project, target.id, target.user);

  const outputs: string[] = [];
  const cli = async (args: string[]) => {
    const r = await runCli(['-C', project, ...args]);
    outputs.push(`${r.stdout}\n${r.stderr}`);
    return r;
  };
  expect((await cli(['validate'])).exitCode).toBe(0);
  expect((await cli(['plan', '--machine', target.id])).exitCode).toBe(0);
  await cli(['plan', '--format', 'json']);
  const rollout = await cli(['rollout', '--yes', '--json']);
  expect(rollout.exitCode).toBe(0);
  for (const args of [['status'], ['errors'], ['log', target.id], ['report', '--html', '-'], ['report', '--junit', '-']]) await cli(args);

  const pcs = join(lab.dir, 'pcs');
  for (const secret of secrets) {
    expect(await filesHolding(join(pcs, target.id), secret)).toEqual(await filesHolding(join(pcs, peer.id), secret));
    for (const text of outputs) expect(text).not.toContain(secret);
    expect(await filesHolding(join(project, '.homeshift'), secret)).toEqual([]);
  }
  // the look-alikes arrive as the text they are
  const mailbox = await readFile(join(pcs, target.id, 'etc/homeshift/mailbox.json'), 'utf8');
  expect(mailbox).toContain(LOOK_ALIKES[0]);
  expect(machines).toContain(target.id);
}, 300_000);
