/** What a bundle step installs, and how, read from the vars its script reads: the applied record's packages. */
import { appliedUpdateOf, installedBy, mergeApplied, type AppliedStep } from '../../src/model/applied-state.js';
import { GATE_VARS, REBOOT_STEP_ID, type MachinePlan, type PlannedStep } from '../../src/model/plan.js';
import type { MachineResult } from '../../src/model/result.js';

describe('installedBy', () => {
  it('apt and .deb packages of a Linux bundle step', () => {
    expect(installedBy({ id: 'bundle:crm', script: 'linux/bundle.sh', vars: { HS_PACKAGES: 'firefox-esr=128.3.1\nlinphone=5.2.6', HS_DEB_PACKAGES: 'crm-connector=4.2.1-1\tvar/cache/homeshift/ab/crm.deb' } })).toEqual([
      { via: 'apt', id: 'firefox-esr', version: '128.3.1' },
      { via: 'apt', id: 'linphone', version: '5.2.6' },
      { via: 'deb', id: 'crm-connector', version: '4.2.1-1' },
    ]);
  });

  it('winget, MSI and EXE packages of a Windows bundle step; nothing for other steps', () => {
    expect(installedBy({ id: 'bundle:scan', script: 'windows/bundle.ps1', vars: {
      HS_PACKAGES: 'Mozilla.Firefox.ESR=128.3.1',
      HS_EXE_PACKAGES: 'scan-station\t2.0.3\tC:\\ProgramData\\homeshift\\cache\\cd\\setup.exe\t/VERYSILENT\tuninstall-key\tScanStation\t2.0.3',
    } })).toEqual([
      { via: 'winget', id: 'Mozilla.Firefox.ESR', version: '128.3.1' },
      { via: 'exe', id: 'scan-station', version: '2.0.3', name: 'scan-station', detect: 'uninstall-key ScanStation' },
    ]);
    expect(installedBy({ id: 'vpn', script: 'windows/vpn.ps1', vars: { HS_PACKAGES: 'x=1' } })).toEqual([]);
  });
});

describe('mergeApplied', () => {
  const step = (id: string, packages: string, runId: string): AppliedStep => ({
    step: id, title: id, script: 'linux/bundle.sh', scriptHash: 'h', vars: { HS_PACKAGES: packages }, files: [], runId, at: runId,
    installed: installedBy({ id, script: 'linux/bundle.sh', vars: { HS_PACKAGES: packages } }),
  });

  it('keeps what an earlier version of a step installed and a later one does not as left behind, until it comes back', () => {
    const one = mergeApplied(null, { machine: 'M', site: 's', profile: 'p', planHash: 'a', steps: [step('bundle:x', 'a=1\nb=1', 'r1')], at: 'r1' });
    const two = mergeApplied(one, { machine: 'M', site: 's', profile: 'p', planHash: 'b', steps: [step('bundle:x', 'a=2', 'r2')], at: 'r2' });
    expect(two.steps[0].leftBehind).toEqual({ installed: [{ via: 'apt', id: 'b', version: '1' }], files: [] });
    const three = mergeApplied(two, { machine: 'M', site: 's', profile: 'p', planHash: 'c', steps: [step('bundle:x', 'a=2\nb=2', 'r3')], at: 'r3' });
    expect(three.steps[0].leftBehind).toBeUndefined();
    expect(mergeApplied(three, { machine: 'M', site: 's', profile: 'p', planHash: null, steps: [], at: 'r4' }).planHash).toBe('c');
  });
});

describe('appliedUpdateOf', () => {
  it('records steps as planned: not the vars a window-of-time gate added, not the restart a run added', () => {
    const step = (id: string, vars: Record<string, string>): PlannedStep => ({ id, title: id, script: 'linux/bundle.sh', vars, files: [], secrets: [], checkOnly: false, timeout: 60, disturbs: true });
    const plan = {
      machine: { id: 'M', site: 's' }, profile: { name: 'p' }, hash: 'h',
      steps: [step('bundle:driver', { HS_PACKAGES: 'driver=2', [GATE_VARS.unlessLoggedOn]: '1' }), step(REBOOT_STEP_ID, { HS_REBOOT_PENDING: '1' })],
    } as unknown as MachinePlan;
    const result = { machine: 'M', site: 's', status: 'changed', finishedAt: 't', steps: plan.steps.map((s) => ({ step: s.id, status: 'changed' })) } as unknown as MachineResult;
    const update = appliedUpdateOf(plan, {}, result, 'r1')!;
    expect(update.planHash).toBe('h');
    expect(update.steps.map((s) => [s.step, s.vars])).toEqual([['bundle:driver', { HS_PACKAGES: 'driver=2' }]]);
  });
});

describe('appliedUpdateOf and what failed steps installed', () => {
  it('a failed bundle step\'s installs are claimed for it; nothing of it is applied', () => {
    const step: PlannedStep = { id: 'bundle:x', title: 'x', script: 'windows/bundle.ps1', vars: { HS_PACKAGES: 'A.A=1\nB.B=2' }, files: [], secrets: [], checkOnly: false, timeout: 60 };
    const plan = { machine: { id: 'M', site: 's' }, profile: { name: 'p' }, hash: 'h', steps: [step] } as unknown as MachinePlan;
    const result = { machine: 'M', site: 's', status: 'failed', finishedAt: 't', steps: [{ step: 'bundle:x', status: 'failed', installed: [{ via: 'winget', id: 'A.A' }] }] } as unknown as MachineResult;
    expect(appliedUpdateOf(plan, {}, result, 'r1')).toEqual({
      machine: 'M', site: 's', profile: 'p', planHash: null, steps: [], at: 't',
      claimed: [{ step: 'bundle:x', installed: [{ via: 'winget', id: 'A.A', version: '1', by: 'homeshift' }] }],
    });
  });
});
