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
    expect(() => parseSelector('@')).toThrow(/@ needs a file of machine ids/);
  });
  it('reads @FILE as a list of ids the caller resolved, ORed with the other ids', () => {
    expect(parseSelector('@batch.txt')).toEqual([{ kind: 'file', pattern: 'batch.txt', col: 1 }]);
    const files = new Map([['batch.txt', new Set(['KOE-D0001'])]]);
    expect(selectMachines(machines, '@batch.txt,BRU-D0001', { files }).map((m) => m.id)).toEqual(['BRU-D0001', 'KOE-D0001']);
    expect(selectMachines(machines, '@batch.txt,os=linux', { files }).map((m) => m.id)).toEqual([]);
    expect(() => selectMachines(machines, '@other.txt', { files })).toThrow(/@other.txt: the file's machine ids were not read/);
  });
});

describe('a term that names nothing', () => {
  it('is an error at its column with the nearest known values', () => {
    expect(() => ids('site=koln')).toThrow('invalid selector "site=koln" at column 1: no site matches koln; did you mean koeln, bruehl?');
    expect(() => ids('os=linux,site=hamburg')).toThrow(/at column 10: no site matches hamburg; did you mean /);
    expect(() => ids('XYZ-*')).toThrow(/no machine id matches XYZ-\*; did you mean (BRU-\*|KOE-\*), /);
    expect(() => ids('BRU-D0009')).toThrow(/no machine id matches BRU-D0009; did you mean BRU-D0001, BRU-D0002/);
    expect(() => ids('role=hotline')).toThrow(/no role matches hotline; did you mean hotline-agent/);
  });
  it('is not an error when each term names machines but no machine has them all', () => {
    expect(ids('site=bruehl,KOE-*')).toEqual([]);
  });
  it('matches machine ids without regard to case', () => {
    expect(ids('koe-d0001')).toEqual(['KOE-D0001']);
  });
});
