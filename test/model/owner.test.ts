import { ownerAddress, OwnerError, ownerFilter } from '../../src/model/owner.js';
import { selectMachines } from '../../src/plan/selector.js';

const groups = { 'vpn-team': { members: ['anna.berg@example-telco.de', 'it-ops@example-telco.de'], lead: null } };
const ctx = (me: string | null) => ({ me: () => me, groups });

describe('owner filter', () => {
  it('reads owners as cases store them', () => {
    expect(ownerAddress('Anna Berg <Anna.Berg@example-telco.de>')).toBe('anna.berg@example-telco.de');
    expect(ownerAddress('it-ops@example-telco.de')).toBe('it-ops@example-telco.de');
    expect(ownerAddress('vpn-team')).toBeNull();
  });

  it('me: my cases and my groups\' queues; a group: its queue and its members; a name; none', () => {
    const owners = ['Anna Berg <anna.berg@example-telco.de>', 'vpn-team', 'it-ops@example-telco.de', 'Bernd Kurz <bernd@example-telco.de>', null];
    const pick = (spec: string, me: string | null = 'anna.berg@example-telco.de') => owners.filter(ownerFilter(spec, ctx(me)));
    expect(pick('me')).toEqual(['Anna Berg <anna.berg@example-telco.de>', 'vpn-team']);
    expect(pick('VPN-Team')).toEqual(['Anna Berg <anna.berg@example-telco.de>', 'vpn-team', 'it-ops@example-telco.de']);
    expect(pick('bernd kurz')).toEqual(['Bernd Kurz <bernd@example-telco.de>']);
    expect(pick('none')).toEqual([null]);
    expect(() => pick('me', null)).toThrow(OwnerError);
  });

  it('@stale, @reboot and @mine are journal sets of their own, combined with AND', () => {
    const machines = ['A', 'B', 'C'].map((id) => ({ id, site: 's', role: 'r', os: 'linux' as const, host: 'h', user: 'u' }));
    const journal = new Map([['stale', new Set(['A', 'B'])], ['mine', new Set(['B', 'C'])], ['reboot', new Set<string>()]] as const);
    expect(selectMachines(machines, '@stale', { journal: new Map(journal) }).map((m) => m.id)).toEqual(['A', 'B']);
    expect(selectMachines(machines, '@stale,@mine', { journal: new Map(journal) }).map((m) => m.id)).toEqual(['B']);
    expect(selectMachines(machines, '@reboot', { journal: new Map(journal) })).toEqual([]);
    expect(() => selectMachines(machines, '@mine')).toThrow(/@mine needs the journal/);
  });
});
