import { buildPlan } from '../../src/plan/build-plan.js';
import { planHashes } from '../../src/plan/plan-hashes.js';
import { buildFixtureProject, makeMachine } from './fixture.js';

describe('planHashes', () => {
  it('gives every machine the hash its rendered plan has', () => {
    const project = buildFixtureProject();
    const plan = buildPlan(project);
    expect(planHashes(project)).toEqual(new Map(plan.machines.map((m) => [m.machine.id, m.hash])));
  });

  it('leaves out a machine that cannot be planned and hashes the others', () => {
    const project = buildFixtureProject();
    const lost = makeMachine('XX-LOST', 'linux', project.machines[0].site, 'e-nobody', project.machines[0].role);
    const hashes = planHashes(project, [...project.machines, lost]);
    expect(hashes.has('XX-LOST')).toBe(false);
    expect(hashes.size).toBe(project.machines.length);
  });
});
