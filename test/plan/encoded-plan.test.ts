import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { generateFleet } from '../../src/lab/generate.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { encodedPlanChunks, memorySpool, selectEncoded, type PlanSpool } from '../../src/plan/encoded-plan.js';
import { planJsonChunks } from '../../src/plan/format-plan.js';
import { planAndCheck } from '../../src/plan/template-errors.js';
import { fileSpool } from '../../src/cli/plan-spool.js';
import { buildFixtureProject } from './fixture.js';

// Each chunk is copied as it comes: a machine's bytes are valid only until the next chunk is taken.
const text = (chunks: Iterable<string | Uint8Array>) => {
  const copies: Buffer[] = [];
  for (const c of chunks) copies.push(typeof c === 'string' ? Buffer.from(c) : Buffer.from(c));
  return Buffer.concat(copies).toString('utf8');
};

const spools: Record<string, () => PlanSpool> = { 'in memory': memorySpool, 'in a temporary file': fileSpool };

describe.each(Object.keys(spools))('a plan kept as each machine\'s JSON %s', (where) => {
  it('gives the same bytes as the plan of objects, for all machines and for a selection', () => {
    const project = buildFixtureProject();
    const spool = spools[where]();
    const checked = planAndCheck(project, { encode: spool });
    expect(checked.plan).toBeNull();
    const encoded = checked.encoded!;
    expect(encoded.machines.map((m) => m.id)).toEqual(project.machines.map((m) => m.id));
    expect(text(encodedPlanChunks(selectEncoded(encoded, project.machines)))).toBe(text(planJsonChunks(buildPlan(project))));
    const some = project.machines.filter((m) => m.os === 'windows').slice(0, 2);
    expect(some.length).toBeGreaterThan(0);
    expect(text(encodedPlanChunks(selectEncoded(encoded, some)))).toBe(text(planJsonChunks(buildPlan(project, { machines: some }))));
    // all machines are the plan as it is; the same machines in another order are assembled anew
    expect(selectEncoded(encoded, project.machines)).toBe(encoded);
    const reversed = [...project.machines].reverse();
    expect(text(encodedPlanChunks(selectEncoded(encoded, reversed)))).toBe(text(planJsonChunks(buildPlan(project, { machines: reversed }))));
    spool.close();
  });

  it('keeps nothing when a machine cannot be planned', () => {
    const project = buildFixtureProject();
    project.profiles.get('home-office-base')!.vars = {};
    const spool = spools[where]();
    const checked = planAndCheck(project, { encode: spool });
    expect(checked.encoded).toBeNull();
    expect(checked.diagnostics.length).toBeGreaterThan(0);
    spool.close();
  });

  it('reads machines back across its 1 MB pieces, and a machine bigger than a piece', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-spool-fleet-'));
    try {
      await generateFleet(dir, { machines: 400, sites: 4, seed: 5 }); // about 2 MB of JSON
      const project = (await loadProject({ projectDir: dir })).project!;
      const big = project.machines[7];
      big.vars = { ...big.vars, mailServer: `mail-${'ü'.repeat(400_000)}.example` }; // in its mailbox files: over 1 MB of JSON
      const spool = spools[where]();
      const checked = planAndCheck(project, { encode: spool });
      expect(checked.diagnostics).toEqual([]);
      const encoded = checked.encoded!;
      expect(Math.max(...encoded.machines.map((m) => m.length))).toBeGreaterThan(1 << 20);
      expect(encoded.machines.at(-1)!.at).toBeGreaterThan(2 << 20);
      const shuffled = [...project.machines].sort((a, b) => (a.id.split('').reverse().join('') < b.id.split('').reverse().join('') ? -1 : 1));
      for (const machines of [project.machines, shuffled]) {
        expect(text(encodedPlanChunks(selectEncoded(encoded, machines)))).toBe(text(planJsonChunks(buildPlan(project, { machines }))));
      }
      spool.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the plan spool in a temporary file', () => {
  it('leaves nothing in the temporary folder, open or closed', () => {
    const before = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('homeshift-plan-'));
    const spool = fileSpool();
    expect(spool.append(Buffer.from('{"a":1}'))).toBe(0);
    expect(spool.append(Buffer.from('{"b":"ä"}'))).toBe(7);
    expect(Buffer.from(spool.read(7, 10)).toString('utf8')).toBe('{"b":"ä"}');
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('homeshift-plan-'))).toEqual(before);
    spool.close();
    spool.close(); // twice is fine
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('homeshift-plan-'))).toEqual(before);
  });
});
