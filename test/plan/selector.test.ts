import { parseSelector, selectMachines, SelectorError } from '../../src/plan/selector.js';
import { buildFixtureProject } from './fixture.js';

const machines = buildFixtureProject().machines;
const ids = (selector: string, failed?: Set<string>) => selectMachines(machines, selector, failed ? { failed } : {}).map((m) => m.id);

describe('selectMachines', () => {
  it('matches by id glob, site, role, os', () => {
    expect(ids('BRU-*')).toEqual(['BRU-D0001', 'BRU-D0002']);
    expect(ids('bru-d000[12]')).toEqual(['BRU-D0001', 'BRU-D0002']);
    expect(ids('site=koeln')).toEqual(['KOE-D0001', 'KOE-D0002']);
    expect(ids('role=hotline-agent')).toEqual(['BRU-D0001', 'KOE-D0002']);
    expect(ids('os=windows')).toEqual(['BRU-D0002', 'KOE-D0001']);
  });
  it('ANDs across kinds and ORs within one kind', () => {
    expect(ids('site=bruehl,role=hotline-agent,os=linux')).toEqual(['BRU-D0001']);
    expect(ids('role=team-lead,role=back-office')).toEqual(['BRU-D0002', 'KOE-D0001']);
    expect(ids('site=koeln, os=linux, KOE-*')).toEqual(['KOE-D0002']);
  });
  it('resolves @failed through the caller', () => {
    expect(ids('@failed', new Set(['KOE-D0001', 'BRU-D0002']))).toEqual(['BRU-D0002', 'KOE-D0001']);
    expect(ids('@failed,site=koeln', new Set(['KOE-D0001', 'BRU-D0002']))).toEqual(['KOE-D0001']);
    expect(() => ids('@failed')).toThrow(/@failed needs the journal/);
  });
  it('rejects bad selectors with a column', () => {
    expect(() => parseSelector('site=bruehl,,os=linux')).toThrow(SelectorError);
    expect(() => parseSelector('site=bruehl,,os=linux')).toThrow('invalid selector "site=bruehl,,os=linux" at column 13: empty term');
    expect(() => parseSelector('colour=red')).toThrow(/column 1: unknown key colour/);
    expect(() => parseSelector('os=mac')).toThrow(/os must be linux or windows/);
    expect(() => parseSelector('site=')).toThrow(/site= needs a value/);
    expect(() => parseSelector('@broken')).toThrow(/unknown group @broken/);
  });
});
