import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { formatLabStatus, labDown, labStatus, labUp } from '../../src/lab/lab-control.js';
import { startLab } from '../../src/lab/start-lab.js';
import { buildServeEntry } from './serve-entry.js';
import { connect, isAlive, open, run, waitFor } from './ssh-client.js';

let build: { out: string; entry: string };
let parent: string;
let dir: string;
const started: number[] = [];

beforeAll(async () => {
  build = await buildServeEntry();
});

beforeEach(async () => {
  parent = await mkdtemp(join(tmpdir(), 'hs-labctl-'));
  dir = join(parent, 'lab');
});

afterEach(async () => {
  await rm(parent, { recursive: true, force: true });
});

afterAll(async () => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGKILL'); // only if a test failed half-way
  await rm(build.out, { recursive: true, force: true });
});

const exists = (path: string) => access(path).then(() => true, () => false);

describe('lab up / status / down as a real background process', () => {
  test('serves the fleet, reports it, and leaves nothing behind when stopped', async () => {
    const lines: string[] = [];
    const info = await labUp({ dir, machines: 6, sites: 2, faults: 'offline=1,hang=1', seed: 3, command: [process.execPath, build.entry, dir], log: (l) => lines.push(l) });
    started.push(info.pid);
    expect(info.pid).not.toBe(process.pid);
    expect(isAlive(info.pid)).toBe(true);
    expect(info.machines).toHaveLength(6);
    expect(JSON.parse(await readFile(join(dir, 'lab.json'), 'utf8')).pid).toBe(info.pid);
    expect(lines.some((l) => l.includes('serving 6 PCs'))).toBe(true);

    const status = await labStatus(dir);
    expect(status).toMatchObject({ running: true, pid: info.pid, machines: 6, listening: 5, expectedListening: 5 });
    expect(status.faults.offline).toHaveLength(1);
    expect(formatLabStatus(status).join('\n')).toMatch(/offline \(1\): \S+-D\d{4}/);

    // a command still running on a PC when the lab goes down must go with it
    const machine = info.machines.find((m) => m.fault === null)!;
    const privateKey = await readFile(join(dir, 'keys', 'id_ed25519'), 'utf8');
    const client = await connect({ port: machine.port, privateKey });
    expect((await run(client, 'echo hello')).stdout).toBe('hello\n');
    const channel = await open(client, 'sleep 60 & echo $!; wait');
    const sleepPid = await new Promise<number>((resolve) => channel.once('data', (d: Buffer) => resolve(Number(String(d).trim()))));
    expect(isAlive(sleepPid)).toBe(true);

    await expect(labUp({ dir, command: [process.execPath, build.entry, dir] })).rejects.toThrow(/already running/);

    const down = await labDown(dir, { log: (l) => lines.push(l) });
    client.end();
    expect(down).toEqual({ stopped: true, pid: info.pid, kept: [], where: join(dir, 'project') });
    await waitFor(() => !isAlive(info.pid));
    await waitFor(() => !isAlive(sleepPid));
    expect(await exists(dir)).toBe(false);
    expect(await labStatus(dir)).toMatchObject({ running: false, pid: null });
  });

  test('a bad fault spec is refused before anything starts', async () => {
    await expect(labUp({ dir, machines: 3, faults: 'melt=1', command: [process.execPath, build.entry, dir] })).rejects.toThrow(/unknown fault kind "melt"/);
    expect(await exists(join(dir, 'lab.log'))).toBe(false);
  });

  test('a lab process that dies before serving is reported with its output', async () => {
    const failing = [process.execPath, '-e', 'console.error("cannot serve: port trouble"); process.exit(4)', dir];
    await expect(labUp({ dir, machines: 2, command: failing })).rejects.toThrow(/exited with 4 before serving: cannot serve: port trouble/);
    await labDown(dir);
  });

  test('down without a lab says so and does not fail', async () => {
    const lines: string[] = [];
    expect(await labDown(dir, { log: (l) => lines.push(l) })).toMatchObject({ stopped: false, pid: null, kept: [] });
    expect(lines[0]).toMatch(/no lab recorded/);
  });

  test('down keeps the journal, logs and reports the operator made; --purge removes them too', async () => {
    const lab = await startLab({ dir, machines: 2, sites: 1, windows: '0' });
    await lab.stop();
    const project = join(dir, 'project');
    await mkdir(join(project, '.homeshift', 'logs'), { recursive: true });
    await writeFile(join(project, '.homeshift', 'journal.db'), 'journal');
    await writeFile(join(project, '.homeshift', 'logs', 'BRU-D0001.log'), 'log');
    await writeFile(join(project, 'report.html'), '<html></html>');
    const down = await labDown(dir);
    expect(down).toMatchObject({ stopped: false, kept: ['.homeshift/', 'report.html'], where: project });
    for (const made of ['homeshift.yaml', 'inventory', 'directory', 'schema', '.gitignore']) expect([made, await exists(join(project, made))]).toEqual([made, false]);
    for (const made of ['pcs', 'keys', 'secrets', 'lab-made.json']) expect([made, await exists(join(dir, made))]).toEqual([made, false]);
    expect(await readFile(join(project, '.homeshift', 'journal.db'), 'utf8')).toBe('journal');
    expect(await labDown(dir, { purge: true })).toMatchObject({ kept: [] });
    expect(await exists(dir)).toBe(false);
  });
});
