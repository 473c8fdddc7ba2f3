import { buildPlan } from '../../src/plan/build-plan.js';
import { encodedPlanChunks, selectEncoded } from '../../src/plan/encoded-plan.js';
import { planJsonChunks } from '../../src/plan/format-plan.js';
import { planAndCheck } from '../../src/plan/template-errors.js';
import { buildFixtureProject } from './fixture.js';

const text = (chunks: Iterable<string | Uint8Array>) => Buffer.concat([...chunks].map((c) => (typeof c === 'string' ? Buffer.from(c) : c))).toString('utf8');

describe('a plan kept as each machine\'s JSON', () => {
  it('gives the same bytes as the plan of objects, for all machines and for a selection', () => {
    const project = buildFixtureProject();
    const checked = planAndCheck(project, { encode: true });
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
  });

  it('keeps nothing when a machine cannot be planned', () => {
    const project = buildFixtureProject();
    project.profiles.get('home-office-base')!.vars = {};
    const checked = planAndCheck(project, { encode: true });
    expect(checked.encoded).toBeNull();
    expect(checked.diagnostics.length).toBeGreaterThan(0);
  });
});
