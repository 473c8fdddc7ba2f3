import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { generateFleet } from '../../src/lab/generate.js';
import { formatDiagnostic } from '../../src/model/index.js';
import { validateProject } from '../../src/validate/index.js';
import { SHIPPED } from '../config/helpers.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-fleet-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function readAll(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rel of ['homeshift.yaml', 'directory/employees.csv', ...fs.readdirSync(path.join(dir, 'inventory')).map((f) => `inventory/${f}`)]) {
    out[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

describe('generateFleet', () => {
  it('writes a valid repository, the same bytes for the same seed', async () => {
    const a = tempDir();
    const b = tempDir();
    const summary = await generateFleet(a, { machines: 120, sites: 4, seed: 3 });
    await generateFleet(b, { machines: 120, sites: 4, seed: 3 });
    expect(readAll(a)).toEqual(readAll(b));
    expect(summary.sites).toEqual(['bruehl', 'koeln', 'leipzig', 'muenchen']);
    const loaded = await loadProject({ projectDir: a, shippedDir: SHIPPED });
    expect(loaded.diagnostics.map(formatDiagnostic)).toEqual([]);
    const p = loaded.project!;
    expect(p.machines).toHaveLength(120);
    expect(p.employees.size).toBe(120);
    expect(validateProject(p).map(formatDiagnostic)).toEqual([]);
    expect(p.employeeList.some((e) => e.lastName === "O'Brien")).toBe(true);
  });

  it('uses hostFor and linuxShare', async () => {
    const dir = tempDir();
    await generateFleet(dir, { machines: 10, sites: 2, seed: 1, linuxShare: 1, hostFor: (i) => ({ host: '127.0.0.1', port: 40000 + i }) });
    const p = (await loadProject({ projectDir: dir, shippedDir: SHIPPED })).project!;
    expect(p.machines.every((m) => m.os === 'linux' && m.host === '127.0.0.1')).toBe(true);
    expect(p.machines.map((m) => m.port)).toEqual(Array.from({ length: 10 }, (_, i) => 40000 + i));
    expect(validateProject(p).map(formatDiagnostic)).toEqual([]);
  });

  it('refuses impossible sizes', async () => {
    await expect(generateFleet(tempDir(), { machines: 0, sites: 1 })).rejects.toThrow(/machines/);
    await expect(generateFleet(tempDir(), { machines: 10, sites: 500 })).rejects.toThrow(/sites/);
  });
});
