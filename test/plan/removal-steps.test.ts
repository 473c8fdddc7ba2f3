/** Removal steps from what the journal says homeshift put on a PC: only what it installed, at the end, pure. */
import { installedBy, mergeApplied, removableOf, type AppliedStep, type InstalledPackage, type RemovableState } from '../../src/model/applied-state.js';
import type { MachinePlan, Plan, PlannedStep } from '../../src/model/plan.js';
import type { Project } from '../../src/model/project.js';
import { removalsOf, withRemovalSteps } from '../../src/plan/removal-steps.js';

const planned = (id: string, vars: Record<string, string>, files: string[] = []): PlannedStep => ({
  id, title: id, script: 'windows/bundle.ps1', vars, files: files.map((path) => ({ path, mode: '0644', content: 'x' })), secrets: [], checkOnly: false, timeout: 300,
});

const applied = (id: string, installed: InstalledPackage[], files: string[] = [], vars: Record<string, string> = {}): AppliedStep => ({
  step: id, title: id, script: 'windows/bundle.ps1', scriptHash: 'h', vars, files: files.map((path) => ({ path, sha256: 's', mode: '0644', content: 'x' })),
  installed, runId: 'r1', at: 't1',
});

const ours = (id: string, version = '1'): InstalledPackage => ({ via: 'winget', id, version, by: 'homeshift' });
const found = (id: string): InstalledPackage => ({ via: 'winget', id, version: '1', by: 'found' });

function machine(steps: PlannedStep[], os: 'windows' | 'linux' = 'windows'): MachinePlan {
  return { machine: { id: 'PC-1', host: 'h', port: 22, os, site: 's', role: 'r' }, steps, hash: 'plan-hash' } as unknown as MachinePlan;
}

function state(steps: AppliedStep[]): RemovableState {
  return removableOf({ machine: 'PC-1', steps });
}

const project = (bundles: Record<string, { onRemove?: 'keep' | 'remove' }> = {}) => ({
  bundles: new Map(Object.entries(bundles).map(([name, b]) => [name, { name, version: '1', packages: [], pos: { file: 'b.yaml', line: 1, col: 1 }, ...b }])),
  templates: new Map([['windows/remove.ps1', { name: 'windows/remove.ps1', text: '# remove', path: 'x' }]]),
}) as unknown as Project;

describe('removalsOf', () => {
  it('a bundle no longer planned: what homeshift installed goes, what it found stays and is said', () => {
    const m = machine([planned('vpn', { HS_VPN_NAME: 'Telco' })]);
    const removals = removalsOf(project(), m, state([applied('bundle:scan', [ours('Scan.Station'), found('Mozilla.Firefox')], ['ProgramData/scan.ini'])]));
    expect(removals).toEqual([{
      step: 'bundle:scan', whole: true, packages: [ours('Scan.Station')], files: ['ProgramData/scan.ini'], vpn: null, mailbox: false,
      leftAlone: [{ name: 'Mozilla.Firefox 1 (winget)', why: 'it was on the PC before homeshift installed anything of it' }],
    }]);
  });

  it('a package that moved to another planned bundle is not removed; onRemove: keep keeps a bundle\'s software', () => {
    const m = machine([planned('bundle:new', { HS_PACKAGES: 'Moved.App=2' })]);
    const gone = removalsOf(project(), m, state([applied('bundle:old', [ours('Moved.App'), ours('Old.App')])]));
    expect(gone.map((r) => r.packages.map((p) => p.id))).toEqual([['Old.App']]);
    const kept = removalsOf(project({ old: { onRemove: 'keep' } }), m, state([applied('bundle:old', [ours('Old.App')])]));
    expect(kept).toEqual([expect.objectContaining({ step: 'bundle:old', whole: true, packages: [], leftAlone: [{ name: 'Old.App 1 (winget)', why: 'its bundle says onRemove: keep' }] })]);
  });

  it('a renamed VPN connection: the old one goes once the new one is there; an unchanged step gives nothing', () => {
    const m = machine([planned('vpn', { HS_VPN_NAME: 'Telco-Home' }, ['ProgramData/homeshift/vpn.json'])]);
    const was = state([applied('vpn', [], ['ProgramData/homeshift/vpn.json'], { HS_VPN_NAME: 'homeshift-vpn' })]);
    expect(removalsOf(project(), m, was)).toEqual([{ step: 'vpn', whole: false, packages: [], files: [], vpn: 'homeshift-vpn', mailbox: false, leftAlone: [] }]);
    const same = state([applied('vpn', [], ['ProgramData/homeshift/vpn.json'], { HS_VPN_NAME: 'Telco-Home' })]);
    expect(removalsOf(project(), m, same)).toEqual([]);
  });

  it('a retired PC (no steps planned) loses everything homeshift put on it; checks are never removed', () => {
    const m = machine([]);
    const was = state([
      applied('bundle:office', [ours('A.B')]), applied('mailbox', [], ['ProgramData/homeshift/outlook.prf']),
      applied('vpn', [], [], { HS_VPN_NAME: 'Telco' }), applied('check:disk-encryption', []),
    ]);
    expect(removalsOf(project(), m, was).map((r) => [r.step, r.whole, r.vpn, r.mailbox])).toEqual([
      ['bundle:office', true, null, false], ['mailbox', true, null, true], ['vpn', true, 'Telco', false],
    ]);
  });
});

describe('withRemovalSteps', () => {
  it('adds removal steps at the end with their script, keeps the plan hash, and is byte-stable', () => {
    const plan = { format: 1, project: 'p', scripts: {}, machines: [machine([planned('vpn', { HS_VPN_NAME: 'T' })])], summary: { machines: 1, steps: 1 }, hash: 'H' } as unknown as Plan;
    const states = new Map([['PC-1', state([applied('bundle:scan', [ours('Scan.Station')])])]]);
    const one = withRemovalSteps(project(), plan, states);
    const [m] = one.machines;
    expect(m.steps.map((s) => s.id)).toEqual(['vpn', 'remove:bundle:scan']);
    expect(m.steps[1]).toMatchObject({ title: 'Remove bundle scan', script: 'windows/remove.ps1', vars: { HS_REMOVE_PACKAGES: 'winget\tScan.Station\t1\t\t', HS_REMOVE_FILES: '', HS_REMOVE_VPN: '' } });
    expect(m.hash).toBe('plan-hash');
    expect(one.hash).toBe('H');
    expect(one.summary.steps).toBe(2);
    expect(Object.keys(one.scripts)).toEqual(['windows/remove.ps1']);
    expect(JSON.stringify(withRemovalSteps(project(), plan, states))).toBe(JSON.stringify(one));
    expect(withRemovalSteps(project(), plan, new Map())).toBe(plan);
  });
});

describe('mergeApplied with installs and removals', () => {
  const step = (id: string, installed: InstalledPackage[]): AppliedStep => applied(id, installed);
  const update = (steps: AppliedStep[], removed?: string[]) => ({ machine: 'PC-1', site: 's', profile: 'p', planHash: 'h', steps, ...(removed ? { removed } : {}), at: 't' });

  it('a package homeshift installed stays homeshift\'s when a later run finds it', () => {
    const one = mergeApplied(null, update([step('bundle:x', [ours('A')])]));
    const two = mergeApplied(one, update([step('bundle:x', [found('A')])]));
    expect(two.steps[0].installed).toEqual([ours('A')]);
  });

  it('a removed step\'s record goes; a cleaned-up step keeps its record without what it left behind', () => {
    const one = mergeApplied(null, update([step('bundle:x', [ours('A'), ours('B')]), step('bundle:y', [ours('C')])]));
    const two = mergeApplied(one, update([step('bundle:x', [ours('A')])], ['bundle:x', 'bundle:y']));
    expect(two.steps.map((s) => [s.step, s.leftBehind])).toEqual([['bundle:x', undefined]]);
  });

  it('what a failed step installed is homeshift\'s: found by a later run, removed when its bundle goes, left behind when the step drops it', () => {
    const claimed = (step: string, ids: string[]) => ({ ...update([]), planHash: null, claimed: [{ step, installed: ids.map((id) => ours(id)) }] });
    const failed = mergeApplied(null, claimed('bundle:x', ['A']));
    expect([failed.steps, failed.claimed]).toEqual([[], [{ step: 'bundle:x', installed: [ours('A')] }]]);
    // the step never succeeded and its bundle is dropped: what it installed is removed all the same
    expect(removalsOf(project(), machine([]), removableOf(failed))).toEqual([expect.objectContaining({ step: 'bundle:x', whole: true, packages: [ours('A')] })]);
    expect(mergeApplied(failed, update([], ['bundle:x'])).claimed).toBeUndefined();
    // the next run of the step succeeds and finds A: homeshift's
    const later = mergeApplied(failed, update([step('bundle:x', [found('A'), ours('B')])]));
    expect([later.steps[0].installed, later.claimed]).toEqual([[ours('A'), ours('B')], undefined]);
    // a new version of the step without A: A is left behind by it
    const dropped = mergeApplied(failed, update([step('bundle:x', [ours('B')])]));
    expect(dropped.steps[0].leftBehind).toEqual({ installed: [ours('A')], files: [] });
  });

  it('installedBy says nothing of who installed: the PC does', () => {
    expect(installedBy({ id: 'bundle:x', script: 'windows/bundle.ps1', vars: { HS_PACKAGES: 'A=1' } })[0].by).toBeUndefined();
  });
});
