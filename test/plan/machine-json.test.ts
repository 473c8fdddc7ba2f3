import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadProject } from '../../src/config/index.js';
import { generateFleet } from '../../src/lab/generate.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { machinePlanJson, machinePlanParts } from '../../src/plan/machine-json.js';
import type { MachinePlan } from '../../src/model/plan.js';
import { buildFixtureProject, makeMachine } from './fixture.js';

describe('the JSON of a machine plan with its shared parts encoded once', () => {
  it('is JSON.stringify of the plan, for every machine of a generated fleet and of the fixture', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'homeshift-json-fleet-'));
    try {
      await generateFleet(dir, { machines: 300, sites: 6, seed: 11 });
      const fleet = (await loadProject({ projectDir: dir })).project!;
      for (const project of [fleet, buildFixtureProject()]) {
        const plan = buildPlan(project);
        for (const m of plan.machines) expect(machinePlanJson(m)).toBe(JSON.stringify(m));
        // the shared parts really are shared: many machines, few distinct bundle and step objects
        expect(new Set(plan.machines.map((m) => m.bundles)).size).toBeLessThan(10);
      }
      const parts = machinePlanParts(buildPlan(fleet).machines[0]);
      expect(parts.some((p) => Buffer.isBuffer(p))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives a plan of another shape to JSON.stringify whole', () => {
    const m = buildPlan(buildFixtureProject()).machines[0];
    const extra = { ...m, note: 'added' } as MachinePlan;
    expect(machinePlanParts(extra)).toEqual([JSON.stringify(extra)]);
    const reordered = Object.assign({ hash: m.hash }, m) as MachinePlan;
    expect(machinePlanJson(reordered)).toBe(JSON.stringify(reordered));
    const undefinedPart = { ...m, vpn: undefined } as unknown as MachinePlan;
    expect(machinePlanJson(undefinedPart)).toBe(JSON.stringify(undefinedPart));
    const oddSteps = { ...m, steps: [m.steps[0], null] } as unknown as MachinePlan;
    expect(machinePlanJson(oddSteps)).toBe(JSON.stringify(oddSteps));
    // a step of its own with the frame of a recipe's step but other values, or of another shape, is encoded as it is
    const own = m.steps.find((s) => s.files.length > 0)!;
    for (const step of [{ ...own, title: 'other' }, { ...own, timeout: 1 }, { ...own, vars: undefined }, { ...own, title: undefined }, { ...own, extra: 1 }, Object.assign({ checkOnly: own.checkOnly }, own)]) {
      const odd = { ...m, steps: [own, step, own] } as unknown as MachinePlan;
      expect(machinePlanJson(odd)).toBe(JSON.stringify(odd));
    }
  });
});

describe('SSH settings in machine plans', () => {
  it('are the site\'s shared object for machines without their own, and merged anew for a machine with its own', () => {
    const project = buildFixtureProject();
    const own = makeMachine('KOE-D0003', 'linux', 'koeln', 'e100004', 'hotline-agent', { ssh: { user: 'local-admin', port: 2200, stepTimeout: 60 } });
    const twin = makeMachine('KOE-D0004', 'windows', 'koeln', 'e100003', 'back-office', { ssh: {}, vars: {} });
    project.machines.push(own, twin);
    const plans = new Map(buildPlan(project).machines.map((m) => [m.machine.id, m]));
    const koeln = plans.get('KOE-D0001')!;
    expect(koeln.ssh.user).toBe('homeshift');
    expect(koeln.machine.port).toBe(2222);
    expect(plans.get('KOE-D0004')!.ssh).toBe(koeln.ssh); // an empty ssh: of its own is none
    const mine = plans.get('KOE-D0003')!;
    expect(mine.ssh).not.toBe(koeln.ssh);
    expect(mine.ssh.user).toBe('local-admin');
    expect(mine.machine.port).toBe(2200);
    expect(mine.steps.filter((s) => !s.id.startsWith('bundle:')).every((s) => s.timeout === 60)).toBe(true);
    expect(mine.hash).not.toBe(plans.get('KOE-D0002')!.hash);
    for (const m of plans.values()) expect(machinePlanJson(m)).toBe(JSON.stringify(m));
  });
});
