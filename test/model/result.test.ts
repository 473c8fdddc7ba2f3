import { describeCounts, failedCount, isFailedStatus, type MachineStatus } from '../../src/model/result.js';

test('failed and unreachable are failures; busy, interrupted and the good states are not', () => {
  const all: MachineStatus[] = ['ok', 'changed', 'would-change', 'failed', 'unreachable', 'interrupted', 'busy'];
  expect(all.filter(isFailedStatus)).toEqual(['failed', 'unreachable']);
  expect(isFailedStatus('skipped')).toBe(false); // a step skipped after an earlier failure is not a failure of its own
});

test('a tally names only its non-zero counts, failed including the unreachable', () => {
  const counts = { ok: 3, changed: 2, 'would-change': 0, failed: 3, unreachable: 2, interrupted: 0, busy: 1 };
  expect(failedCount(counts)).toBe(5);
  expect(describeCounts(counts)).toEqual(['3 ok', '2 changed', '5 failed (2 unreachable)', '1 busy']);
  expect(describeCounts({ changed: 4 })).toEqual(['4 changed']);
  expect(describeCounts({})).toEqual([]);
});
