import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultSpecError } from '../../src/lab/faults.js';
import { generateFleet } from '../../src/lab/generate.js';
import { findStepTouches } from '../../src/lab/step-touches.js';
import { loadProject } from '../../src/config/index.js';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'hs-touches-'));
  await generateFleet(dir, { machines: 6, sites: 1, seed: 1, linuxShare: 1, hostFor: (i: number) => ({ host: '127.0.0.1', port: 20000 + i }) });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findStepTouches', () => {
  it('binds a step fault to the first file the step writes, or to the packages of a bundle', async () => {
    const { project } = await loadProject({ projectDir: dir });
    const [a, b] = project!.machines.map((m) => m.id);
    const touches = await findStepTouches(dir, new Map([
      [a, { kind: 'fail-mailbox', heal: null }],
      [b, { kind: 'fail-bundle:office-base', heal: null }],
    ]));
    expect(touches.get(a)).toEqual({ files: ['etc/thunderbird/pref/homeshift-mailbox.js'], packages: [] });
    expect(touches.get(b)!.files).toEqual([]);
    expect(touches.get(b)!.packages.length).toBeGreaterThan(0);
  });

  it('needs no plan without step faults, skips PCs without the step, and refuses a step it cannot fail', async () => {
    expect((await findStepTouches('/nonexistent', new Map([['X', { kind: 'offline', heal: null }]]))).size).toBe(0);
    const { project } = await loadProject({ projectDir: dir });
    const id = project!.machines[0].id;
    expect((await findStepTouches(dir, new Map([[id, { kind: 'fail-nothing-like-it', heal: null }]]))).size).toBe(0);
    await expect(findStepTouches(dir, new Map([[id, { kind: 'fail-check:disk-encryption', heal: null }]]))).rejects.toThrow(FaultSpecError);
  });
});
