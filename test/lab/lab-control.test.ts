import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLabStatus, labDown, labStatus, labUp } from '../../src/lab/lab-control.js';
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
    expect(down).toEqual({ stopped: true, pid: info.pid });
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
    expect(await labDown(dir, { log: (l) => lines.push(l) })).toEqual({ stopped: false, pid: null });
    expect(lines[0]).toMatch(/no lab recorded/);
  });
});
