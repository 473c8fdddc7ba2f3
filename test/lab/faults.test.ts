import { assignFaults, countForRequest, FaultSpecError, parseFaultSpec } from '../../src/lab/faults.js';

const ids = Array.from({ length: 200 }, (_, i) => `BRU-D${String(i + 1).padStart(4, '0')}`);
const SPEC = 'offline=2%,slow=2%,auth=1%,hostkey=1%,drop=1%,hang=1%,fail-mailbox=2%:heal=1,disk-full=1%,unencrypted=1%';

describe('parseFaultSpec', () => {
  test('reads kinds, shares as percent or count, and options', () => {
    expect(parseFaultSpec('offline=2%, auth=3, slow=1:delay=5, drop=1:bytes=200, fail-bundle:softphone=2:heal=1')).toEqual([
      { kind: 'offline', heal: null, percent: 2 },
      { kind: 'auth', heal: null, count: 3 },
      { kind: 'slow', heal: null, count: 1, delaySeconds: 5 },
      { kind: 'drop', heal: null, count: 1, dropAfterBytes: 200 },
      { kind: 'fail-bundle:softphone', heal: 1, count: 2 },
    ]);
    expect(parseFaultSpec('')).toEqual([]);
    expect(parseFaultSpec(undefined)).toEqual([]);
  });

  test.each([
    ['melt=2%', /unknown fault kind "melt"/],
    ['offline', /expected kind=share/],
    ['auth=lots', /neither a percentage/],
    ['auth=120%', /more than 100%/],
    ['auth=1:heal=0', /at least 1/],
    ['auth=1:delay=3', /does not apply/],
    ['auth=1:speed=3', /unknown option/],
    ['offline=1:heal=1', /cannot heal/],
    ['auth=1,auth=2', /given twice/],
  ])('rejects %s with a clear message', (spec, message) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
    expect(() => parseFaultSpec(spec)).toThrow(message);
  });

  test('a percentage above zero takes at least one PC', () => {
    expect(countForRequest({ kind: 'auth', heal: null, percent: 1 }, 10)).toBe(1);
    expect(countForRequest({ kind: 'auth', heal: null, percent: 2 }, 1000)).toBe(20);
    expect(countForRequest({ kind: 'auth', heal: null, percent: 0 }, 1000)).toBe(0);
  });
});

describe('assignFaults', () => {
  test('is deterministic for a seed and independent of the id order', () => {
    const a = assignFaults(SPEC, ids, 7);
    const b = assignFaults(SPEC, [...ids].reverse(), 7);
    expect(b).toEqual(a);
    expect(assignFaults(SPEC, ids, 8).byMachine).not.toEqual(a.byMachine);
  });

  test('gives every PC one fault at most, in the asked numbers', () => {
    const plan = assignFaults(SPEC, ids, 1);
    const all = Object.values(plan.byKind).flat();
    expect(new Set(all).size).toBe(all.length);
    expect(Object.keys(plan.byMachine)).toHaveLength(all.length);
    expect(plan.byKind.offline).toHaveLength(4);
    expect(plan.byKind.auth).toHaveLength(2);
    expect(plan.byMachine[plan.byKind['fail-mailbox'][0]]).toEqual({ kind: 'fail-mailbox', heal: 1 });
    expect(plan.byMachine[plan.byKind.slow[0]]).toEqual({ kind: 'slow', heal: null, delaySeconds: 3 });
  });

  test('refuses more faults than PCs', () => {
    expect(() => assignFaults('auth=3,hang=3', ids.slice(0, 5), 1)).toThrow(/ask for 6 PCs but the lab has 5/);
  });
});
