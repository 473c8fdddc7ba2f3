import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labPower, labStatus, labUp } from '../../src/lab/lab-control.js';
import { planPower, selectLabPcs } from '../../src/lab/power.js';
import { startLab, type Lab } from '../../src/lab/start-lab.js';
import { buildServeEntry } from './serve-entry.js';
import { isAlive } from './ssh-client.js';

/** What a probe sees: the TCP connection, then the SSH banner or nothing within `ms`. */
function probe(port: number, ms: number): Promise<'banner' | 'silent' | 'refused'> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => { socket.destroy(); resolve('silent'); }, ms);
    socket.once('data', (chunk) => { clearTimeout(timer); socket.destroy(); resolve(String(chunk).startsWith('SSH-') ? 'banner' : 'silent'); });
    socket.once('error', () => { clearTimeout(timer); resolve('refused'); });
  });
}

describe('power schedule and selectors', () => {
  const ids = Array.from({ length: 20 }, (_, i) => `BRU-D${String(i + 1).padStart(4, '0')}`);
  test('a share is switched off, each with a moment within the window, the same for the same seed', () => {
    const a = planPower('off=30%:on-within=120', ids, 7);
    expect(a.off).toHaveLength(6);
    expect(Object.keys(a.onAt).sort()).toEqual(a.off);
    for (const ms of Object.values(a.onAt)) expect(ms).toBeGreaterThanOrEqual(0), expect(ms).toBeLessThanOrEqual(120_000);
    expect(planPower('off=30%:on-within=120', ids, 7)).toEqual(a);
    expect(planPower('off=2', ids, 7).onAt).toEqual({});
    expect(() => planPower('off=lots', ids, 1)).toThrow(/expected off=N/);
    expect(() => planPower('off=21', ids, 1)).toThrow(/has 20/);
  });
  test('selectors name ids, globs, sites; a part naming nothing is an error', () => {
    const machines = ids.map((id, i) => ({ id, site: i < 10 ? 'bru' : 'koe' }));
    expect(selectLabPcs('BRU-D0001,BRU-D000[', machines.concat({ id: 'BRU-D000[', site: 'x' }))).toEqual(['BRU-D0001', 'BRU-D000[']);
    expect(selectLabPcs('site=koe', machines)).toHaveLength(10);
    expect(selectLabPcs('BRU-D001*', machines)).toHaveLength(10);
    expect(() => selectLabPcs('NOPE-*', machines)).toThrow(/names no PC/);
  });
});

describe('a switched-off lab PC', () => {
  let dir: string;
  let lab: Lab;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hs-power-'));
    lab = await startLab({ dir, machines: 3, sites: 1, windows: '0', power: 'off=1' });
  });
  afterAll(async () => {
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test('takes the connection but never answers; switched on, it answers again', async () => {
    const [off] = lab.poweredOff();
    const port = lab.machines.find((m) => m.id === off)!.port;
    const on = lab.machines.find((m) => m.id !== off)!;
    expect(await probe(port, 1500)).toBe('silent');
    expect(await probe(on.port, 10_000)).toBe('banner');
    expect(lab.stats().unanswered).toBe(1);
    expect(lab.setPower([off], true)).toEqual([off]);
    expect(lab.setPower([off], true)).toEqual([]); // already on
    expect(await probe(port, 10_000)).toBe('banner');
    expect(lab.poweredOff()).toEqual([]);
  });
});

describe('lab power as a command to the background lab', () => {
  let build: { out: string; entry: string };
  let parent: string;
  let pid = 0;
  beforeAll(async () => {
    build = await buildServeEntry();
    parent = await mkdtemp(join(tmpdir(), 'hs-power-bg-'));
  });
  afterAll(async () => {
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL'); // only if a test failed half-way
    await rm(build.out, { recursive: true, force: true });
    await rm(parent, { recursive: true, force: true });
  });

  test('switches PCs off and on; status names the ones that are off', async () => {
    const dir = join(parent, 'lab');
    const info = await labUp({ dir, machines: 4, sites: 2, windows: '0', power: 'off=1', command: [process.execPath, build.entry, dir] });
    pid = info.pid;
    const first = (await labStatus(dir)).poweredOff;
    expect(first).toHaveLength(1);
    const other = info.machines.find((m) => m.id !== first[0])!;
    expect(await labPower(other.id, false, dir)).toEqual([other.id]);
    expect((await labStatus(dir)).poweredOff).toEqual([first[0], other.id].sort());
    expect(await probe(other.port, 1500)).toBe('silent');
    await labPower('all', true, dir);
    expect((await labStatus(dir)).poweredOff).toEqual([]);
    expect(await probe(other.port, 10_000)).toBe('banner');
    expect(JSON.parse(await readFile(join(dir, 'power.json'), 'utf8'))).toEqual({ off: [] });
    await labDown(dir);
  });
});
