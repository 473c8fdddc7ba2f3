import { createPlanContext } from '../../src/plan/plan-context.js';
import { checkMachine, planMachine, planMachineHash } from '../../src/plan/plan-machine.js';
import { PlanError } from '../../src/plan/plan-error.js';
import type { Project } from '../../src/model/index.js';
import { buildFixtureProject } from './fixture.js';

// What one planning pass remembers (a fixed file path, a site's part of the hash) gives every machine what planning it
// alone would give.

function withTeamLeadFile(path: string): Project {
  const project = buildFixtureProject();
  const teamLead = project.profiles.get('team-lead')!;
  const [step] = teamLead.steps;
  project.profiles.set('team-lead', { ...teamLead, steps: [{ ...step, files: [...(step.files ?? []), { path, template: 'mdm-enrolment.conf.hbs' }] }] });
  // a second team lead, so that a path is seen twice in one pass
  project.machines.push({ ...project.machines[1], id: 'BRU-D0003', host: 'bru-d0003.bruehl.example-telco.de' });
  return project;
}

function errorOf(run: () => unknown): PlanError {
  try {
    run();
  } catch (err) {
    if (err instanceof PlanError) return err;
    throw err;
  }
  throw new Error('no PlanError');
}

describe('a planning pass', () => {
  it('gives a file path without placeholders to every machine, normalised as alone', () => {
    const project = withTeamLeadFile('\\ProgramData\\homeshift\\extra.conf');
    const ctx = createPlanContext(project);
    const together = project.machines.map((m) => planMachine(project, m, ctx));
    const alone = project.machines.map((m) => planMachine(project, m));
    expect(together).toEqual(alone);
    const files = together.filter((m) => m.profile.name === 'team-lead').map((m) => m.steps.find((s) => s.id === 'step:enrol-mdm')!.files.map((f) => f.path));
    expect(files).toEqual([
      ['ProgramData/homeshift/mdm-enrolment.conf', 'ProgramData/homeshift/extra.conf'],
      ['ProgramData/homeshift/mdm-enrolment.conf', 'ProgramData/homeshift/extra.conf'],
    ]);
  });

  it('fails a bad fixed path for every machine that has it, each by its own id', () => {
    const project = withTeamLeadFile('../outside.conf');
    const ctx = createPlanContext(project);
    const teamLeads = project.machines.filter((m) => m.role === 'team-lead');
    expect(teamLeads.map((m) => errorOf(() => planMachine(project, m, ctx)).message)).toEqual([
      'machine BRU-D0002: file path "../outside.conf" must be relative to the root, without ..',
      'machine BRU-D0003: file path "../outside.conf" must be relative to the root, without ..',
    ]);
  });

  it('checks a machine as planning it does: the same error, or none', () => {
    const project = withTeamLeadFile('../outside.conf');
    const ctx = createPlanContext(project);
    for (const machine of project.machines) {
      let planned: unknown = null;
      try {
        planMachine(project, machine, createPlanContext(project));
      } catch (err) {
        planned = err;
      }
      if (planned) expect(errorOf(() => checkMachine(project, machine, ctx))).toEqual(planned);
      else expect(checkMachine(project, machine, ctx)).toBeUndefined();
    }
  });

  it('hashes each machine as alone, and a new pass sees a changed site', () => {
    const project = buildFixtureProject();
    const ctx = createPlanContext(project);
    const together = project.machines.map((m) => planMachine(project, m, ctx).hash);
    expect(together).toEqual(project.machines.map((m) => planMachine(project, m).hash));
    expect(project.machines.map((m) => planMachineHash(project, m, ctx))).toEqual(together);
    project.sites.get('koeln')!.vars = { mailServer: 'mail2.example-telco.de' };
    const after = project.machines.map((m) => planMachineHash(project, m, createPlanContext(project, { compile: false })));
    expect(after.map((h, i) => h !== together[i])).toEqual(project.machines.map((m) => m.site === 'koeln'));
  });
});
