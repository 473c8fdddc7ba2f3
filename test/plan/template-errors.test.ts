import { buildPlan } from '../../src/plan/build-plan.js';
import { findTemplateErrors, planAndCheck } from '../../src/plan/template-errors.js';
import { buildFixtureProject, makeEmployee, makeMachine } from './fixture.js';

describe('findTemplateErrors', () => {
  it('finds nothing in the shipped profiles and templates', () => {
    expect(findTemplateErrors(buildFixtureProject())).toEqual([]);
  });

  it('reports an undefined variable per machine, grouped after five', () => {
    const project = buildFixtureProject();
    project.profiles.get('home-office-base')!.vars = {};
    for (let i = 0; i < 8; i++) {
      project.employees.set(`e9${i}`, makeEmployee(`e9${i}`, 'A', `B${i}`, 'bruehl'));
      project.machines.push(makeMachine(`BRU-X${i}`, 'linux', 'bruehl', `e9${i}`, 'hotline-agent'));
    }
    const found = findTemplateErrors(project);
    const linux = found.filter((d) => d.message.includes('linux/'));
    expect(linux[0]).toEqual({
      rule: 'undefined-template-variable',
      severity: 'error',
      message: 'machine BRU-D0001: undefined variable vars.mailServer in template linux/thunderbird-prefs.js.hbs (templates/linux/thunderbird-prefs.js.hbs:8)',
      pos: { file: 'inventory/bruehl.yaml', line: 1, col: 1 },
      machine: 'BRU-D0001',
    });
    expect(linux).toHaveLength(6);
    expect(linux[5].message).toBe('undefined variable vars.mailServer in template linux/thunderbird-prefs.js.hbs: 4 more machine(s)');
    // koeln sets mailServer for its site: its machines are fine
    expect(found.some((d) => d.machine?.startsWith('KOE'))).toBe(false);
  });

  it('reports template syntax errors and missing templates once per profile and os', () => {
    const project = buildFixtureProject();
    project.templates.set('linux/vpn.nmconnection.hbs', { name: 'linux/vpn.nmconnection.hbs', file: 'templates/linux/vpn.nmconnection.hbs', text: 'x\n{{#if vpn.type}}\n' });
    project.templates.delete('windows/enrol-mdm.ps1');
    const found = findTemplateErrors(project);
    expect(found.filter((d) => d.rule === 'template-syntax').map((d) => d.message.split(':')[0])).toEqual(['profile back-office (linux)', 'profile home-office-base (linux)', 'profile hotline-agent (linux)', 'profile team-lead (linux)']);
    expect(found.find((d) => d.rule === 'template-syntax')!.pos).toEqual({ file: 'templates/linux/vpn.nmconnection.hbs', line: 3, col: 1 });
    expect(found.filter((d) => d.rule === 'unknown-template')).toEqual([
      { rule: 'unknown-template', severity: 'error', message: 'profile team-lead (windows): step script windows/enrol-mdm.ps1 not found', pos: { file: 'profiles/team-lead.yaml', line: 1, col: 1 } },
    ]);
  });
});

describe('planAndCheck', () => {
  it('plans every machine once: the same plan as buildPlan, no diagnostics', () => {
    const project = buildFixtureProject();
    const checked = planAndCheck(project);
    expect(checked.diagnostics).toEqual([]);
    expect(checked.plan).toEqual(buildPlan(project));
  });

  it('gives the diagnostics of findTemplateErrors and no plan when a machine cannot be planned', () => {
    const project = buildFixtureProject();
    project.profiles.get('home-office-base')!.vars = {};
    const checked = planAndCheck(project);
    expect(checked.plan).toBeNull();
    expect(checked.diagnostics).toEqual(findTemplateErrors(project));
    expect(checked.diagnostics.length).toBeGreaterThan(0);
  });

  it('keeps no plan when asked not to', () => {
    expect(planAndCheck(buildFixtureProject(), { keepPlan: false })).toEqual({ plan: null, diagnostics: [] });
  });

  it('lets buildPlan take a selection from the full plan without planning again', () => {
    const project = buildFixtureProject();
    const full = planAndCheck(project).plan!;
    const some = project.machines.filter((m) => m.os === 'windows');
    const expected = buildPlan(project, { machines: some });
    const fromFull = buildPlan(project, { machines: some, from: full });
    expect(fromFull).toEqual(expected);
    expect(fromFull.machines[0]).toBe(full.machines.find((m) => m.machine.id === some[0].id));
  });
});
