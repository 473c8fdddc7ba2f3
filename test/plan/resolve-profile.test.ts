import { resolveProfile, ProfileError } from '../../src/plan/resolve-profile.js';
import type { Profile } from '../../src/model/index.js';
import { buildFixtureProject } from './fixture.js';

const pos = { file: 'profiles/x.yaml', line: 1, col: 1 };
const profile = (p: Partial<Profile> & { name: string }): Profile => ({ bundles: [], steps: [], vars: {}, pos, file: 'profiles/x.yaml', ...p });

describe('resolveProfile', () => {
  it('folds the chain parent first: scalars overridden, bundles deduped, maps merged by key', () => {
    const project = buildFixtureProject();
    project.profiles.set('special', profile({ name: 'special', extends: 'team-lead', bundles: ['softphone', 'back-office-tools'], vpn: { splitTunnel: true }, mailbox: { shared: 'none' }, vars: { mailServer: 'x' } }));
    const r = resolveProfile(project, 'special');
    expect(r.chain).toEqual(['home-office-base', 'hotline-agent', 'team-lead', 'special']);
    expect(r.bundles).toEqual(['office-base', 'softphone', 'crm-client', 'team-reporting', 'back-office-tools']);
    expect(r.vpn).toEqual({ type: 'ikev2', connectionName: 'homeshift-vpn', splitTunnel: true, pskSecret: 'vpnPsk', dnsSuffix: 'corp.example-telco.de' });
    expect(r.mailbox).toEqual({ personal: true, shared: 'none', client: 'outlook' });
    expect(r.checks).toEqual({ diskEncryption: true, screenLockMinutes: 5, noLocalCustomerData: true });
    expect(r.vars.mailServer).toBe('x');
    expect(r.vars.mdmServer).toBe('mdm.corp.example-telco.de');
    expect(r.steps.map((s) => s.id)).toEqual(['enrol-mdm']);
  });
  it('rejects cycles and unknown parents', () => {
    const project = buildFixtureProject();
    project.profiles.set('a', profile({ name: 'a', extends: 'b' }));
    project.profiles.set('b', profile({ name: 'b', extends: 'a' }));
    project.profiles.set('c', profile({ name: 'c', extends: 'ghost' }));
    expect(() => resolveProfile(project, 'a')).toThrow(ProfileError);
    expect(() => resolveProfile(project, 'a')).toThrow(/extends cycle/);
    expect(() => resolveProfile(project, 'c')).toThrow('unknown profile ghost (extended by c)');
  });
});
